// The printable end-of-day report of a plan (?plan=): per worker, blocks and shops done,
// distance, first and last activity, and the blocks missed, by street name, from
// GET /plans/{id}/report; the CSV button saves GET /plans/{id}/report.csv, the same report
// as a file.
import { announce, api, apiAll, currentLang, download, formatKm, saveToken, setupLangSwitch, t, tokenFor } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { token: tokenFor('supervisor'), planId: Number(new URL(location.href).searchParams.get('plan')) || 0, workers: [] };
window.gridsweep = { state };
const fail = (err) => announce($('status'), 'error.generic', { detail: err.message }, 'error');

const when = (s) => (s ? new Date(s).toLocaleTimeString(currentLang(), { hour: '2-digit', minute: '2-digit' }) : '–');
const pct = (done, total) => (total ? Math.round((100 * done) / total) : 0);

function render() {
  const { plan, report } = state;
  if (!plan || !report) return;
  $('planline').textContent = t('rep.plan', { id: plan.id, area: state.areaName || plan.area_id, day: report.date || '' });
  const name = (r) => r.name || (state.workers.find((w) => w.id === r.worker) || {}).name || `#${r.worker}`;
  const rows = [...report.workers].sort((a, b) => name(a).localeCompare(name(b), currentLang()));
  const tr = (cells) => {
    const row = document.createElement('tr');
    cells.forEach((c, i) => {
      const el = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) el.scope = 'row';
      el.textContent = String(c);
      row.append(el);
    });
    return row;
  };
  $('report').tBodies[0].replaceChildren(...rows.map((r) => {
    const row = tr([name(r), `${r.blocks_done}/${r.blocks_total} (${pct(r.blocks_done, r.blocks_total)} %)`,
      `${r.shops_visited}/${r.shops_total}`, formatKm(r.distance_done_m || 0),
      when(r.first_activity), when(r.last_activity), t('live.st.' + r.status)]);
    row.dataset.worker = String(r.worker);
    return row;
  }));
  const tt = report.totals || {};
  const foot = tr([t('rep.total'), `${tt.blocks_done ?? 0}/${tt.blocks_total ?? 0} (${pct(tt.blocks_done, tt.blocks_total)} %)`,
    `${tt.shops_visited ?? 0}/${tt.shops_total ?? 0}`, formatKm(tt.distance_done_m || 0), '', '', '']);
  foot.className = 'total';
  $('report').tFoot.replaceChildren(foot);
  // Missed blocks by street: what the office sends someone back to.
  $('missed').replaceChildren(...rows.map((r) => {
    const sec = document.createElement('section');
    sec.className = 'missed';
    sec.dataset.worker = String(r.worker);
    const h = document.createElement('h2');
    h.textContent = `${t('rep.missed')} — ${name(r)}`;
    const missed = r.missed || [];
    const list = document.createElement(missed.length ? 'ul' : 'p');
    if (missed.length) {
      list.append(...missed.map((m) => {
        const li = document.createElement('li');
        const n = (m.blocks || []).length;
        li.textContent = n > 1 ? t('rep.missed.n', { street: m.street, n }) : m.street;
        return li;
      }));
    } else list.textContent = t('rep.missed.none');
    sec.append(h, list);
    return sec;
  }));
}

async function load() {
  const id = state.planId;
  const [{ json: plan }, { json: report }] = await Promise.all([
    api(`/api/v1/plans/${id}`, { token: state.token }),
    api(`/api/v1/plans/${id}/report`, { token: state.token }),
  ]);
  try {
    const { json: area } = await api(`/api/v1/areas/${plan.area_id}`, { token: state.token });
    state.areaName = area.properties && area.properties.name;
  } catch { /* the number will do */ }
  if (report.workers.some((r) => !r.name)) state.workers = await apiAll(`/api/v1/workers?area=${plan.area_id}&limit=1000`, state.token);
  state.plan = plan;
  state.report = report;
  render();
  window.gridsweep.ready = true;
}

$('print').addEventListener('click', () => window.print());
$('csv').addEventListener('click', () => {
  download(`/api/v1/plans/${state.planId}/report.csv`, `plan${state.planId}-report.csv`, state.token).catch(fail);
});
$('tokenform').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  saveToken('supervisor', state.token);
  start().catch(fail);
});

async function start() {
  if (!state.planId) return announce($('status'), 'rep.noplan', {}, 'error');
  if (!state.token) { $('tokenform').hidden = false; return; }
  $('tokenform').hidden = true;
  await load();
}

setupLangSwitch($('lang'), render);
start().catch(fail);
