// The console's day of the sweep: open a plan from the area's list (newest first), publish
// it for a day, and follow it live — a progress table per worker (sortable, filterable to
// the workers behind or idle), the workers' last positions on the map with their name and
// age, and the coverage layer reloaded as check-ins arrive. Progress comes from
// GET /plans/{id}/progress and follows its Server-Sent Events stream; when the stream
// cannot be had, the page asks again every few seconds.
import { ApiError, announce, api, currentLang, download, formatKm, readEvents, t } from './common.js';
import { showSignin } from './signin.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 5000;
// Most urgent first: the order of the status column when sorted.
const STATUS_ORDER = ['idle', 'behind', 'not_started', 'on_track', 'done'];

/**
 * setupLive adds the live parts to the console. state is the console's state (map, token,
 * areaId, workers, plan); openPlan(id) and reloadCoverage() (which loads its coverage layer
 * again) are the console's own. The console calls the returned hooks when its map is ready,
 * its area changes and a plan is opened.
 */
export function setupLive(state, { openPlan, fail, reloadCoverage: reloadCoverageLayer }) {
  const live = {
    plans: [], progress: null, stream: null, poll: null, markers: new Map(),
    sort: { key: 'status', dir: 1 }, onlyLate: false, lastDone: -1,
  };
  window.gridsweep.live = live;

  // ---- plan list and publishing ---------------------------------------------------------
  async function loadPlans() {
    if (!state.areaId) return;
    const { json } = await api(`/api/v1/plans?area=${state.areaId}&limit=50`, { token: state.token });
    live.plans = json.items || [];
    renderPlans();
  }

  function planLabel(p) {
    const when = new Date(p.created_at).toLocaleString(currentLang(), { dateStyle: 'short', timeStyle: 'short' });
    let s = t('live.plan.item', { id: p.id, status: t('status.' + p.status), when });
    if (p.published_on && p.published_on.length) s += ' · ' + t('live.plan.published', { days: p.published_on.slice(0, 2).join(', ') });
    return s;
  }

  function renderPlans() {
    const sel = $('planlist');
    const keep = sel.value || (state.plan ? String(state.plan.id) : '');
    sel.replaceChildren(...(live.plans.length ? live.plans.map((p) => new Option(planLabel(p), p.id)) : [new Option(t('live.plan.empty'), '')]));
    if (keep && live.plans.some((p) => String(p.id) === keep)) sel.value = keep;
    $('openlisted').disabled = !live.plans.length;
    renderPublish();
  }

  function renderPublish() {
    const done = state.plan && state.plan.status === 'done';
    $('publish').disabled = !done;
    $('publishdate').disabled = !done;
    const pub = state.plan && live.plans.find((p) => p.id === state.plan.id);
    $('links').hidden = !state.plan;
    if (state.plan) {
      $('reportlink').href = `/supervisor/report?plan=${state.plan.id}`;
      $('csvlink').dataset.plan = String(state.plan.id);
    }
    if (!$('pubstatus').dataset.msg) {
      $('pubstatus').textContent = pub && pub.published_on && pub.published_on.length
        ? t('live.plan.published', { days: pub.published_on.join(', ') }) : '';
    }
  }

  $('openlisted').addEventListener('click', () => {
    const id = Number($('planlist').value);
    if (id) openPlan(id).catch(fail);
  });

  $('publish').addEventListener('click', async () => {
    if (!state.plan) return;
    const date = $('publishdate').value;
    try {
      const { json } = await api(`/api/v1/plans/${state.plan.id}/publish`, {
        token: state.token, method: 'POST', body: date ? { date } : {},
      });
      announce($('pubstatus'), 'live.publish.ok', { id: state.plan.id, day: json.day || json.date || date || '' }, 'ok');
      await loadPlans();
    } catch (err) {
      announce($('pubstatus'), 'error.generic', { detail: err.message }, 'error');
    }
  });

  $('csvlink').addEventListener('click', (e) => {
    e.preventDefault();
    const id = Number($('csvlink').dataset.plan);
    if (id) download(`/api/v1/plans/${id}/report.csv`, `plan${id}-report.csv`, state.token).catch(fail);
  });

  // ---- progress -------------------------------------------------------------------------
  const workerName = (id) => (state.workers.find((w) => w.id === id) || live.progress?.workers.find((w) => w.worker === id) || {}).name || `#${id}`;

  function age(at) {
    const min = Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 60000));
    return min < 1 ? t('live.age.now') : min < 120 ? t('live.age.min', { n: min }) : t('live.age.h', { n: Math.round(min / 60) });
  }

  const pct = (r) => (r.blocks_total ? Math.round((100 * r.blocks_done) / r.blocks_total) : 0);

  function sortedRows() {
    let rows = (live.progress && live.progress.workers) || [];
    if (live.onlyLate) rows = rows.filter((r) => r.status === 'behind' || r.status === 'idle');
    const { key, dir } = live.sort;
    const cmp = {
      status: (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
      done: (a, b) => pct(a) - pct(b),
      worker: (a, b) => workerName(a.worker).localeCompare(workerName(b.worker), currentLang()),
    }[key];
    return [...rows].sort((a, b) => dir * cmp(a, b) || workerName(a.worker).localeCompare(workerName(b.worker)));
  }

  function renderSortButtons() {
    for (const th of document.querySelectorAll('#livetable th[data-sort]')) {
      const on = th.dataset.sort === live.sort.key;
      th.setAttribute('aria-sort', on ? (live.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
      th.querySelector('.arrow').textContent = on ? (live.sort.dir > 0 ? ' ▲' : ' ▼') : '';
    }
  }

  function renderTable() {
    const body = $('livetable').tBodies[0];
    const p = live.progress;
    $('livesection').hidden = !state.plan || state.plan.status !== 'done';
    if (!p) { body.replaceChildren(); $('livetotals').textContent = ''; return; }
    const rows = sortedRows();
    body.replaceChildren(...rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.worker = String(r.worker);
      tr.dataset.status = r.status;
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = workerName(r.worker);
      tr.append(th);
      const cell = (content, cls) => {
        const td = document.createElement('td');
        if (content instanceof Node) td.append(content); else td.textContent = content;
        if (cls) td.className = cls;
        tr.append(td);
        return td;
      };
      const badge = document.createElement('span');
      badge.className = 'badge st-' + r.status;
      badge.textContent = t('live.st.' + r.status);
      cell(badge);
      const bar = document.createElement('div');
      bar.className = 'balance';
      bar.setAttribute('role', 'img');
      bar.setAttribute('aria-label', t('live.pct', { p: pct(r) }));
      const fill = document.createElement('span');
      fill.style.width = pct(r) + '%';
      bar.append(fill);
      const done = document.createElement('span');
      done.className = 'pct';
      done.textContent = pct(r) + ' %';
      const wrap = document.createElement('div');
      wrap.className = 'pctcell';
      wrap.append(done, bar);
      cell(wrap, 'done');
      cell(`${r.blocks_done}/${r.blocks_total}`);
      cell(`${r.shops_visited}/${r.shops_total}`);
      cell(formatKm(r.distance_done_m || 0));
      // Seen: the latest position or check-in, whichever the server knows.
      const seen = r.last_activity || (r.last_position && r.last_position.at);
      cell(seen ? age(seen) : '–');
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'secondary small';
      btn.textContent = t('live.signin');
      btn.setAttribute('aria-label', t('live.signin.label', { name: workerName(r.worker) }));
      btn.addEventListener('click', () => showSignin(state, r.worker, workerName(r.worker), btn).catch(fail));
      cell(btn);
      return tr;
    }));
    const tt = p.totals || {};
    $('livetotals').textContent = t('live.totals', {
      p: pct(tt), blocks: `${tt.blocks_done ?? 0}/${tt.blocks_total ?? 0}`,
      shops: `${tt.shops_visited ?? 0}/${tt.shops_total ?? 0}`, km: formatKm(tt.distance_done_m || 0),
    });
    if (!rows.length && live.onlyLate) $('livetotals').textContent += ' ' + t('live.none.late');
    renderSortButtons();
  }

  for (const th of document.querySelectorAll('#livetable th[data-sort]')) {
    th.querySelector('button').addEventListener('click', () => {
      const key = th.dataset.sort;
      live.sort = { key, dir: live.sort.key === key ? -live.sort.dir : 1 };
      renderTable();
    });
  }
  $('onlylate').addEventListener('change', () => { live.onlyLate = $('onlylate').checked; renderTable(); });

  // ---- positions on the map -----------------------------------------------------------------
  function renderMarkers() {
    const map = state.map;
    if (!map || !state.maplibregl) return;
    const rows = (live.progress && live.progress.workers) || [];
    const seen = new Set();
    for (const r of rows) {
      if (!r.last_position) continue;
      seen.add(r.worker);
      let m = live.markers.get(r.worker);
      if (!m) {
        const el = document.createElement('div');
        el.className = 'wpos';
        el.innerHTML = '<span class="dot"></span><span class="label"></span>';
        m = new state.maplibregl.Marker({ element: el, anchor: 'left' }).setLngLat([r.last_position.lon, r.last_position.lat]).addTo(map);
        live.markers.set(r.worker, m);
      }
      const el = m.getElement();
      el.dataset.status = r.status;
      el.dataset.worker = String(r.worker);
      el.querySelector('.label').textContent = `${workerName(r.worker)} · ${age(r.last_position.at)}`;
      el.title = t('live.pos.title', { name: workerName(r.worker), when: new Date(r.last_position.at).toLocaleTimeString(currentLang()) });
      m.setLngLat([r.last_position.lon, r.last_position.lat]);
    }
    for (const [id, m] of live.markers) if (!seen.has(id)) { m.remove(); live.markers.delete(id); }
  }

  /**
   * reloadCoverage has the console load its coverage layer's tiles again (they are served
   * no-cache), from a new source: see showLiveLayer in common.js for why.
   */
  function reloadCoverage() {
    const map = state.map;
    if (!map) return;
    // When the new tiles are in (tests measure a check-in's way to the console by it): the
    // new source's content event, and the source loaded a few frames on.
    const started = (e) => {
      if (e.sourceId !== map.getLayer('coverage')?.source || e.sourceDataType !== 'content') return;
      map.off('sourcedata', started);
      const check = () => {
        if (map.isSourceLoaded(e.sourceId)) window.gridsweep.coverageAt = Date.now();
        else if (map.getSource(e.sourceId)) requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    };
    map.on('sourcedata', started);
    reloadCoverageLayer();
    window.gridsweep.coverageReloads = (window.gridsweep.coverageReloads || 0) + 1;
  }

  function setProgress(p) {
    live.progress = p;
    const done = (p.totals && p.totals.blocks_done) ?? -1;
    if (live.lastDone >= 0 && done !== live.lastDone) reloadCoverage();
    live.lastDone = done;
    renderTable();
    renderMarkers();
    window.gridsweep.progressAt = Date.now();
  }

  async function fetchProgress(id) {
    const { json } = await api(`/api/v1/plans/${id}/progress`, { token: state.token });
    if (state.plan && state.plan.id === id) setProgress(json);
  }

  /**
   * follow keeps the table live: the event stream while it holds, else a poll. Events that
   * carry the whole progress replace it; others only say that it changed.
   */
  async function follow(id) {
    stop();
    const ctl = new AbortController();
    live.stream = ctl;
    await fetchProgress(id).catch((err) => announce($('livestatus'), 'error.generic', { detail: err.message }, 'error'));
    while (!ctl.signal.aborted) {
      try {
        await readEvents(`/api/v1/plans/${id}/progress/events`, state.token, (name, data) => {
          if (data && Array.isArray(data.workers)) setProgress(data);
          else fetchProgress(id).catch(() => {});
        }, ctl.signal);
      } catch (err) {
        if (ctl.signal.aborted) return;
        if (err instanceof ApiError && [403, 404].includes(err.status) && !live.poll) {
          // No stream for this plan: ask again every few seconds.
          live.poll = setInterval(() => fetchProgress(id).catch(() => {}), POLL_MS);
          return;
        }
      }
      if (!ctl.signal.aborted) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        await fetchProgress(id).catch(() => {});
      }
    }
  }

  function stop() {
    live.stream?.abort();
    live.stream = null;
    clearInterval(live.poll);
    live.poll = null;
  }

  // Ages in the table and on the map grow while nothing changes.
  setInterval(() => { if (live.progress) { renderTable(); renderMarkers(); } }, 30000);
  window.addEventListener('pagehide', stop);
  // After the page's own listener has switched the language.
  $('lang').addEventListener('change', () => setTimeout(() => { renderPlans(); renderTable(); renderMarkers(); }));

  return {
    mapReady() { renderMarkers(); },
    areaChanged() {
      stop();
      live.progress = null;
      live.lastDone = -1;
      renderTable();
      renderMarkers();
      loadPlans().catch(fail);
    },
    planOpened() {
      delete $('pubstatus').dataset.msg;
      $('planlist').value = String(state.plan.id);
      renderPublish();
      if (!live.plans.some((p) => p.id === state.plan.id)) loadPlans().catch(fail);
      if (state.plan.status === 'done') {
        follow(state.plan.id).catch(fail);
      } else {
        stop();
        live.progress = null;
        renderTable();
        renderMarkers();
      }
    },
  };
}
