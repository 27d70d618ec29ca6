// A worker's route on the phone: the map with direction arrows, the step list, check-ins
// that are queued in localStorage while offline and sent through the idempotent
// POST /api/v1/visits when back (each tick gets its client key once, so a resend after a
// lost answer is recorded once), a shop's ledger state recorded at a shop stop (its own
// queue, sent through the equally idempotent POST /api/v1/ledger/checkins), the current
// position and the GPX file. Without a plan number the page opens the worker's route in
// today's published plan (GET /api/v1/me/route); ?code= signs the phone in with a one-time
// code from the supervisor's console. The position trace (with consent) is in gps.js.
import {
  ApiError, announce, api, apiAll, bboxOf, createMap, download, formatDuration, formatKm,
  loadMapLibre, saveToken, setupLangSwitch, t, tokenFor,
} from './common.js';
import { gpsQueue, setupPositions } from './gps.js';

const $ = (id) => document.getElementById(id);
const QUEUE_KEY = 'gridsweep.queue';
const LEDGER_QUEUE_KEY = 'gridsweep.ledgerqueue';
const NEED_TAGS = ['masks', 'disinfectant', 'staff', 'loans', 'permits'];
const state = { token: tokenFor('worker'), me: null, planId: 0, route: null, shops: new Map(), map: null, position: null, sending: false };
window.gridsweep = { state, routeDrawn: 0 };

const fail = (err) => announce($('status'), 'error.generic', { detail: err.message }, 'error');
const store = {
  get: (k, d) => { try { return JSON.parse(localStorage.getItem(k)) ?? d; } catch { return d; } },
  set: (k, v) => localStorage.setItem(k, JSON.stringify(v)),
};

/** clientKey is random and made once per tick; getRandomValues works on plain http too. */
function clientKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// ---- the check-in queue ------------------------------------------------------------
function queue() { return store.get(QUEUE_KEY, []); }

function enqueue(visits) {
  store.set(QUEUE_KEY, [...queue(), ...visits]);
  renderQueue();
  flush();
}

function renderQueue() {
  const n = queue().length + ledgerQueue().length;
  $('queue').textContent = n ? t('wk.queue', { n }) : t('wk.queue.none');
  $('offline').hidden = navigator.onLine;
  window.gridsweep.gpsQueued = gpsQueue().length;
}

/** flush sends the queue in batches; what the server answered for leaves the queue. */
async function flush() {
  flushLedger();
  if (state.sending || !navigator.onLine || !state.token) return;
  state.sending = true;
  try {
    for (;;) {
      const batch = queue().slice(0, 500);
      if (!batch.length) break;
      const { json } = await api('/api/v1/visits', { token: state.token, method: 'POST', body: batch });
      // created and duplicate both mean "stored"; key_taken cannot succeed on retry.
      const answered = new Set((json.results || []).map((r) => r.client_key));
      store.set(QUEUE_KEY, queue().filter((v) => !answered.has(v.client_key)));
      if (!answered.size) break;
    }
    announce($('status'), null);
  } catch (err) {
    // Network failures keep the queue for the next try; a refusal is shown.
    if (!(err instanceof ApiError && err.status === 0)) fail(err);
  } finally {
    state.sending = false;
    renderQueue();
  }
}

window.addEventListener('online', () => { renderQueue(); flush(); });
window.addEventListener('offline', renderQueue);
setInterval(flush, 20000);

// ---- the ledger queue -----------------------------------------------------------------
// Ledger check-ins wait in their own queue: the API takes a batch all or nothing, so one
// entry it refuses for good (a shop moved out of the area, say) must not hold back the
// visits or the other entries. They are sent one at a time, oldest first.
function ledgerQueue() { return store.get(LEDGER_QUEUE_KEY, []); }

function enqueueLedger(entry) {
  store.set(LEDGER_QUEUE_KEY, [...ledgerQueue(), entry]);
  renderQueue();
  flushLedger();
}

const dropLedger = (key) => store.set(LEDGER_QUEUE_KEY, ledgerQueue().filter((e) => e.client_key !== key));

/** refusedForGood tells a refusal that a resend cannot change from one worth retrying. */
const refusedForGood = (err) => err instanceof ApiError && err.status >= 400 && err.status < 500 &&
  ![401, 408, 429].includes(err.status);

async function flushLedger() {
  if (state.sendingLedger || !navigator.onLine || !state.token) return;
  state.sendingLedger = true;
  try {
    for (const entry of ledgerQueue()) {
      try {
        // created, duplicate (sent before, answer lost) and key_taken all leave the queue.
        await api('/api/v1/ledger/checkins', { token: state.token, method: 'POST', body: entry });
        dropLedger(entry.client_key);
      } catch (err) {
        if (!refusedForGood(err)) throw err;
        // Kept aside rather than lost, for whoever looks at the phone.
        store.set('gridsweep.ledgerrefused', [...store.get('gridsweep.ledgerrefused', []), { ...entry, error: err.message }]);
        dropLedger(entry.client_key);
        fail(err);
      }
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 0)) fail(err);
  } finally {
    state.sendingLedger = false;
    renderQueue();
  }
}

// ---- the ledger form -------------------------------------------------------------------
// The shop's last known state, per shop: from the server when online, else what this phone
// saw or recorded last. Need tags replace the shop's list, so the form starts from it.
const knownKey = (shopId) => 'gridsweep.ledger.' + shopId;
const ledgerForm = { shopId: 0, opener: null, known: null };

async function openLedger(shopId, name, opener) {
  ledgerForm.shopId = shopId;
  ledgerForm.opener = opener;
  $('lg-title').textContent = t('wk.lg.title', { name });
  $('lg-error').textContent = '';
  let known = store.get(knownKey(shopId), null);
  if (navigator.onLine) {
    try {
      const { json } = await api(`/api/v1/shops/${shopId}/ledger`, { token: state.token });
      known = { status: json.current.status, need_tags: json.current.need_tags, needs: json.current.needs };
      store.set(knownKey(shopId), known);
    } catch { /* the form still works from what the phone knows */ }
  }
  ledgerForm.known = known;
  $('lg-status').value = '';
  $('lg-status').options[0].textContent = known?.status ? t('wk.lg.keepas', { status: t('fw.st.' + known.status) }) : t('wk.lg.keep');
  for (const cb of document.querySelectorAll('#lg-needtags input')) cb.checked = (known?.need_tags || []).includes(cb.value);
  $('lg-needs').value = known?.needs || '';
  $('lg-note').value = '';
  $('ledgerdlg').showModal();
  $('lg-status').focus();
}

/** ledgerEntry is what the form changed; fields left as they were are not sent. */
function ledgerEntry() {
  const known = ledgerForm.known || {};
  const e = { client_key: clientKey(), shop_id: ledgerForm.shopId, observed_at: new Date().toISOString() };
  if ($('lg-status').value) e.status = $('lg-status').value;
  const tags = [...document.querySelectorAll('#lg-needtags input:checked')].map((cb) => cb.value);
  const before = (known.need_tags || []).filter((x) => NEED_TAGS.includes(x));
  if (tags.join() !== before.join()) e.need_tags = tags;
  const needs = $('lg-needs').value.trim();
  if (needs !== (known.needs || '')) e.needs = needs;
  const note = $('lg-note').value.trim();
  if (note) e.note = note;
  return e;
}

$('ledgerform').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const e = ledgerEntry();
  if (!e.status && !e.need_tags && e.needs === undefined && !e.note) {
    $('lg-error').textContent = t('wk.lg.empty');
    return;
  }
  // The key is made here, once: every resend of this entry carries the same one.
  enqueueLedger(e);
  const known = { ...(ledgerForm.known || {}) };
  for (const k of ['status', 'need_tags', 'needs']) if (e[k] !== undefined) known[k] = e[k];
  store.set(knownKey(e.shop_id), known);
  closeLedger();
  renderSteps();
});
$('lg-cancel').addEventListener('click', closeLedger);
$('ledgerdlg').addEventListener('close', () => ledgerForm.opener?.isConnected && ledgerForm.opener.focus());

function closeLedger() { $('ledgerdlg').close(); }

// ---- ticks -------------------------------------------------------------------------
const ticksKey = () => 'gridsweep.ticks.' + state.planId;
function ticks() { return store.get(ticksKey(), { steps: [], shops: [] }); }

function visit(extra) {
  const v = { client_key: clientKey(), plan_id: state.planId, visited_at: new Date().toISOString(), ...extra };
  if (state.position) v.position = { type: 'Point', coordinates: state.position };
  return v;
}

function tickStep(step) {
  const tk = ticks();
  if (tk.steps.includes(step.key)) return;
  tk.steps.push(step.key);
  store.set(ticksKey(), tk);
  enqueue(step.block_ids.map((b) => visit({ block_id: b })));
}

function tickShop(shopId) {
  const tk = ticks();
  if (tk.shops.includes(shopId)) return;
  tk.shops.push(shopId);
  store.set(ticksKey(), tk);
  enqueue([visit({ shop_id: shopId })]);
}

// ---- route -------------------------------------------------------------------------
/**
 * stepsOf flattens the trips' steps. Each trip's lines are its non-station steps in order
 * (the API stores them so); when the counts disagree no step gets a line rather than a
 * wrong one.
 */
function stepsOf(route) {
  const out = [];
  for (const f of route.features) {
    const steps = f.properties.steps || [];
    const g = f.geometry || {};
    const lines = g.type === 'MultiLineString' ? g.coordinates : g.type === 'LineString' ? [g.coordinates] : [];
    const moving = steps.filter((s) => s.kind !== 'station').length;
    let i = 0;
    for (const s of steps) {
      const line = s.kind !== 'station' && lines.length === moving ? lines[i++] : null;
      out.push({ ...s, key: `${f.properties.seq}-${s.seq}`, block_ids: s.block_ids || [], shops: s.shops || [], line });
    }
  }
  return out;
}

/** showStep draws one step's line over the route and brings it into view. */
function showStep(step) {
  const map = state.map;
  if (!map || !step.line) return;
  map.getSource('step').setData({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: step.line } });
  const b = bboxOf([{ coordinates: step.line }]);
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 18, duration: 300 });
}

function renderSteps() {
  const list = $('steps');
  if (!state.route) { list.replaceChildren(); return; }
  const tk = ticks();
  list.replaceChildren(...stepsOf(state.route).map((s, i) => {
    const li = document.createElement('li');
    const done = tk.steps.includes(s.key);
    li.classList.toggle('done', done);
    li.dataset.key = s.key;
    const n = document.createElement('span');
    n.className = 'seq';
    n.textContent = String(i + 1);
    n.setAttribute('aria-hidden', 'true');
    const body = document.createElement('div');
    const street = document.createElement(s.line ? 'button' : 'div');
    street.className = 'street';
    if (s.line) {
      street.type = 'button';
      street.classList.add('linklike');
      street.addEventListener('click', () => showStep(s));
    }
    const kind = t('wk.step.' + s.kind) !== 'wk.step.' + s.kind ? t('wk.step.' + s.kind) : s.kind;
    street.textContent = `${kind}: ${s.kind === 'station' ? s.station : s.street || '—'} · ${formatKm(s.distance_m || 0)} km · ${formatDuration(s.duration_s || 0)}`;
    body.append(street);
    if (s.shops.length) {
      const shops = document.createElement('div');
      shops.className = 'shops';
      shops.append(t('wk.shops') + ' ');
      for (const name of s.shops) {
        const id = state.shops.get(name);
        const lab = document.createElement('label');
        lab.className = 'tick';
        const cb = document.createElement('input');
        cb.type = 'checkbox';
        cb.setAttribute('aria-label', t('wk.shop.label', { name }));
        cb.checked = id !== undefined && tk.shops.includes(id);
        // A shop the API does not list under that name cannot be checked in by id.
        cb.disabled = id === undefined || cb.checked;
        cb.addEventListener('change', () => { tickShop(id); cb.disabled = true; });
        lab.append(cb, name);
        const rec = document.createElement('button');
        rec.type = 'button';
        rec.className = 'small secondary ledger-open';
        rec.dataset.shop = String(id ?? '');
        const known = id === undefined ? null : store.get(knownKey(id), null);
        rec.textContent = known?.status ? t('fw.st.' + known.status) : t('wk.lg.open');
        rec.setAttribute('aria-label', t('wk.lg.open.label', { name }));
        rec.disabled = id === undefined;
        rec.addEventListener('click', () => openLedger(id, name, rec).catch(fail));
        const box = document.createElement('span');
        box.className = 'shop';
        box.append(lab, rec);
        shops.append(box, ' ');
      }
      body.append(shops);
    }
    const tick = document.createElement('label');
    tick.className = 'tick';
    if (s.block_ids.length) {
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.className = 'step-tick';
      cb.checked = done;
      cb.disabled = done; // a check-in cannot be taken back
      cb.setAttribute('aria-label', t('wk.tick.label', { n: i + 1, street: s.street || s.station || '' }));
      cb.addEventListener('change', () => {
        tickStep(s);
        cb.disabled = true;
        li.classList.add('done');
      });
      const txt = document.createElement('span');
      txt.textContent = t('wk.tick');
      txt.setAttribute('aria-hidden', 'true');
      tick.append(cb, txt);
    }
    li.append(n, body, tick);
    return li;
  }));
}

function renderSummary() {
  if (!state.route) return;
  let m = 0;
  let s = 0;
  for (const f of state.route.features) { m += f.properties.length_m || 0; s += f.properties.duration_s || 0; }
  $('summary').textContent = t('wk.summary', { km: formatKm(m), time: formatDuration(s) });
}

async function loadRoute(planId) {
  state.planId = planId;
  $('planid').value = planId;
  announce($('today'), 'wk.plan.chosen', { id: planId });
  const cacheKey = 'gridsweep.route.' + planId + '.' + state.me.worker_id;
  try {
    const { json } = await api(`/api/v1/plans/${planId}/routes/${state.me.worker_id}`, { token: state.token });
    state.route = json;
    store.set(cacheKey, json);
  } catch (err) {
    // Offline: the route seen last time is still today's route.
    const cached = store.get(cacheKey, null);
    if (!(err instanceof ApiError && err.status === 0) || !cached) {
      state.route = null;
      renderSteps();
      announce($('status'), 'wk.noroute', { detail: err.message }, 'error');
      return;
    }
    state.route = cached;
  }
  await showRoute();
}

/** localDay is the phone's calendar day, the key of the cached route of the day. */
const localDay = () => new Date().toLocaleDateString('sv'); // YYYY-MM-DD

/**
 * loadToday opens the worker's route in today's published plan: the worker never types a
 * plan number. Offline, the route fetched earlier today is used; a route of another day is
 * not shown as today's.
 */
async function loadToday() {
  const key = 'gridsweep.route.today.' + state.me.worker_id;
  let route;
  try {
    const { json, headers } = await api('/api/v1/me/route', { token: state.token });
    const planId = Number(headers.get('X-Plan-Id')) || Number(json.features[0]?.properties.plan_id);
    route = { day: localDay(), planId, route: json };
    store.set(key, route);
  } catch (err) {
    const cached = store.get(key, null);
    const offline = err instanceof ApiError && err.status === 0;
    if (!offline || !cached || cached.day !== localDay()) {
      state.route = null;
      state.planId = 0;
      renderSteps();
      $('gpx').disabled = true;
      $('summary').textContent = '';
      if (err instanceof ApiError && err.status === 404) announce($('today'), 'wk.today.none', {}, 'error');
      else announce($('status'), 'wk.noroute', { detail: err.message }, 'error');
      window.gridsweep.today = 'none';
      return;
    }
    route = cached;
  }
  state.planId = route.planId;
  state.route = route.route;
  $('planid').value = route.planId;
  announce($('today'), 'wk.today', { id: route.planId });
  window.gridsweep.today = route.planId;
  await showRoute();
}

/** syncToday reopens today's route when the published plan changed (never offline). */
async function syncToday() {
  if (!navigator.onLine || !state.me) return;
  try {
    const { headers } = await api('/api/v1/me/route', { token: state.token });
    if (Number(headers.get('X-Plan-Id')) !== state.planId) await loadToday();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && state.planId) await loadToday();
  }
}

/** showRoute draws state.route: the shops' ids (for shop check-ins), summary, steps, map. */
async function showRoute() {
  try {
    const shops = await apiAll('/api/v1/shops?limit=1000', state.token);
    state.shops = new Map(shops.map((f) => [f.properties.name, f.id]));
    store.set('gridsweep.shops', [...state.shops]);
  } catch {
    state.shops = new Map(store.get('gridsweep.shops', []));
  }
  $('gpx').disabled = false;
  renderSummary();
  renderSteps();
  drawRoute();
  positions?.render();
}

function drawRoute() {
  const map = state.map;
  if (!map || !state.route) return;
  map.getSource('route').setData(state.route);
  const b = bboxOf(state.route.features.map((f) => f.geometry));
  if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 30, animate: false, maxZoom: 18 });
  map.once('idle', () => { window.gridsweep.routeDrawn = map.queryRenderedFeatures({ layers: ['route'] }).length; });
}

function addLayers(map) {
  map.addSource('route', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'route', type: 'line', source: 'route', layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#0b5cad', 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 3, 18, 9] },
  });
  map.addLayer({
    id: 'route-arrows', type: 'symbol', source: 'route',
    layout: { 'symbol-placement': 'line', 'symbol-spacing': 60, 'icon-image': 'arrow', 'icon-size': 0.8, 'icon-allow-overlap': true },
  });
  map.addSource('step', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'step', type: 'line', source: 'step', layout: { 'line-cap': 'round' },
    paint: { 'line-color': '#ffbf47', 'line-width': ['interpolate', ['linear'], ['zoom'], 13, 6, 18, 16], 'line-opacity': 0.9 },
  }, 'route');
  map.addSource('me', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'me', type: 'circle', source: 'me',
    paint: { 'circle-radius': 8, 'circle-color': '#d62728', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 },
  });
}

// ---- position and GPX ----------------------------------------------------------------
function showPosition(lonlat, center) {
  state.position = lonlat;
  if (!state.map) return;
  state.map.getSource('me').setData({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: lonlat } });
  if (center) state.map.easeTo({ center: lonlat });
}

$('locate').addEventListener('click', () => {
  if (!navigator.geolocation) return announce($('status'), 'wk.locate.none', {}, 'error');
  navigator.geolocation.watchPosition((p) => showPosition([p.coords.longitude, p.coords.latitude], true),
    () => announce($('status'), 'wk.locate.none', {}, 'error'), { enableHighAccuracy: true, maximumAge: 10000 });
});

// The position trace: recorded only with the worker's consent and while a route is open.
let positions = null;

$('gpx').addEventListener('click', () => {
  download(`/api/v1/plans/${state.planId}/routes/${state.me.worker_id}.gpx`, `route-plan${state.planId}.gpx`, state.token).catch(fail);
});
$('load').addEventListener('click', () => {
  const id = Number($('planid').value);
  if (id) loadRoute(id).catch(fail);
});
$('loadtoday').addEventListener('click', () => loadToday().catch(fail));

// ---- start ---------------------------------------------------------------------------
$('tokenform').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  saveToken('worker', state.token);
  start().catch(fail);
});

/**
 * signIn exchanges a one-time code from the link or QR code (?code=) for the worker's
 * token, kept like a pasted one. The code leaves the address bar at once, used or not: it
 * works only once, and a reload must not try it again.
 */
async function signIn() {
  const url = new URL(location.href);
  const code = url.searchParams.get('code');
  if (!code) return;
  url.searchParams.delete('code');
  history.replaceState(null, '', url);
  try {
    const { json } = await api('/api/v1/signin', { method: 'POST', body: { code } });
    state.token = json.token;
    saveToken('worker', json.token);
    announce($('today'), 'wk.signin.ok', {}, 'ok');
  } catch (err) {
    const key = err instanceof ApiError && err.status === 401 ? 'wk.signin.used' : 'wk.signin.fail';
    announce($('status'), key, { detail: err.message }, 'error');
    // Without a token the page opens on the token form: the reason goes at its top.
    announce($('tokenerror'), key, { detail: err.message }, 'error');
  }
}

async function start() {
  renderQueue();
  await signIn();
  if (!state.token) { $('tokenform').hidden = false; return; }
  try {
    ({ json: state.me } = await api('/api/v1/me', { token: state.token }));
    store.set('gridsweep.me', state.me);
  } catch (err) {
    const cached = store.get('gridsweep.me', null);
    if (err instanceof ApiError && err.status === 0 && cached) {
      state.me = cached;
    } else {
      $('tokenform').hidden = false;
      $('tokenerror').textContent = t('token.bad', { detail: err.message });
      return;
    }
  }
  if (state.me.role !== 'worker' || !state.me.worker_id) {
    $('tokenform').hidden = false;
    $('tokenerror').textContent = t('wk.needworker');
    return;
  }
  $('tokenform').hidden = true;
  // The step list does not wait for the map: offline, the map may never finish loading.
  (async () => {
    const maplibregl = await loadMapLibre($('map'), { workerFromPage: 'serviceWorker' in navigator });
    const map = await createMap(maplibregl, $('map'), state.token);
    addLayers(map);
    state.map = map;
    window.gridsweep.map = map;
    drawRoute();
  })().catch(fail);
  positions ??= setupPositions({
    toggle: $('gps-consent'), every: $('gps-every'), statusEl: $('gps-status'),
    getToken: () => state.token, routeOpen: () => !!state.route,
    onFix: (lonlat) => showPosition(lonlat, false), onChange: renderQueue,
  });
  const plan = Number(new URL(location.href).searchParams.get('plan'));
  if (plan) await loadRoute(plan);
  else {
    await loadToday();
    // A newer publication for today replaces the route: the page looks again now and then.
    if (!state.todayTimer) {
      state.todayTimer = setInterval(syncToday, 5 * 60000);
      window.addEventListener('online', syncToday);
    }
  }
  flush();
  positions.flush();
  window.gridsweep.ready = true;
}

// The service worker keeps the page itself for offline reloads (secure contexts only:
// https, or localhost while testing).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/static/sw.js', { scope: '/worker', type: 'classic' })
    .catch((err) => console.warn('service worker:', err.message));
}

setupLangSwitch($('lang'), () => { renderSteps(); renderSummary(); renderQueue(); positions?.render(); });
start().catch(fail);
