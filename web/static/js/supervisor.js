// Supervisor console: choose an area, run a plan and follow its progress, see each
// worker's blocks and route, move or lock blocks, follow coverage, export routes.
import {
  ApiError, PALETTE, announce, api, apiAll, bboxOf, createMap, currentLang, download, formatDuration, formatKm,
  dropLiveLayer, loadMapLibre, readEvents, saveBlob, saveToken, setupLangSwitch, showLiveLayer, t, tokenFor,
} from './common.js';
import { setupGrids } from './grids.js';
import { setupLive } from './live.js';

const $ = (id) => document.getElementById(id);
const state = {
  token: tokenFor('supervisor'),
  map: null,
  areaId: 0,
  areas: [],
  workers: [],
  blocks: [],
  plan: null,
  assignments: new Map(), // block id → {worker_id, locked}
  routes: new Map(), // worker id → FeatureCollection
  selected: new Set(),
  follow: null, // AbortController of the plan's event stream
  picking: null, // a worker's start or end being placed on the map (grids.js)
};
let grids = null; // the grid panel and plan options (grids.js)
// Tests and curious people read the console's state here.
window.gridsweep = { state, routesDrawn: 0, planDone: 0, events: [] };

const status = $('status');
const fail = (err) => announce(status, 'error.generic', { detail: err.message }, 'error');

function colorOf(workerId) {
  const i = state.workers.findIndex((w) => w.id === workerId);
  return i < 0 ? '#6b7280' : PALETTE[i % PALETTE.length];
}

// ---- token -------------------------------------------------------------------------
function askToken(message = '') {
  $('tokenform').hidden = false;
  $('tokenerror').textContent = message;
  $('token').focus();
}

$('tokenform').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  saveToken('supervisor', state.token);
  start().catch(fail);
});

// ---- map layers --------------------------------------------------------------------
const empty = () => ({ type: 'FeatureCollection', features: [] });

// Shop colours by ledger status; the legend under the layer switch is drawn from the same table.
const SHOP_COLORS = { open: '#1d8a3a', preparing: '#d4a000', closed: '#c0392b', moved: '#6a1b9a', unknown: '#7f8790' };
function renderShopLegend() {
  $('shoplegend').replaceChildren(...Object.entries(SHOP_COLORS).map(([st, color]) => {
    const item = document.createElement('span');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = color;
    item.dataset.status = st;
    item.append(sw, t('fw.st.' + st));
    return item;
  }));
}
renderShopLegend();

function addLayers(map) {
  setCoverage();
  // By layer id: the handler outlives the coverage layer's reloads.
  map.on('click', 'coverage', (e) => {
    const f = e.features && e.features[0];
    if (!f) return;
    const p = f.properties;
    const when = p.last_swept ? new Date(p.last_swept * 1000).toLocaleString(currentLang()) : '—';
    const div = document.createElement('div');
    div.textContent = t('sup.coverage.popup', { street: p.name || '—', n: p.sweeps || 0, when });
    new state.maplibregl.Popup({ closeButton: true }).setLngLat(e.lngLat).setDOMContent(div).addTo(map);
  });
  map.addSource('blocks', { type: 'geojson', data: empty() });
  map.addLayer({
    id: 'blocks', type: 'line', source: 'blocks', layout: { 'line-cap': 'round' },
    paint: {
      'line-color': ['get', 'color'],
      'line-width': ['interpolate', ['linear'], ['zoom'],
        12, ['case', ['boolean', ['feature-state', 'selected'], false], 4, 2],
        16, ['case', ['boolean', ['feature-state', 'selected'], false], 9, 5],
        19, ['case', ['boolean', ['feature-state', 'selected'], false], 16, 10]],
    },
  });
  map.addLayer({
    id: 'blocks-selected', type: 'line', source: 'blocks',
    paint: {
      'line-color': '#111', 'line-gap-width': ['interpolate', ['linear'], ['zoom'], 12, 4, 16, 9, 19, 16], 'line-width': 2,
      'line-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
    },
  });
  map.addLayer({
    id: 'blocks-locked', type: 'line', source: 'blocks', filter: ['==', ['get', 'locked'], true],
    paint: { 'line-color': '#fff', 'line-width': 2, 'line-dasharray': [1, 1.5] },
  });
  map.addSource('routes', { type: 'geojson', data: empty() });
  map.addLayer({
    id: 'routes', type: 'line', source: 'routes', layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': ['get', 'color'], 'line-width': 2, 'line-offset': 3, 'line-opacity': 0.9 },
  });
  map.addLayer({
    id: 'route-arrows', type: 'symbol', source: 'routes',
    layout: { 'symbol-placement': 'line', 'symbol-spacing': 70, 'icon-image': 'arrow', 'icon-size': 0.6, 'icon-allow-overlap': true, 'icon-offset': [0, 5] },
  });
  map.addSource('starts', { type: 'geojson', data: empty() });
  map.addLayer({
    id: 'starts', type: 'circle', source: 'starts',
    paint: { 'circle-radius': 7, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#111', 'circle-stroke-width': 2 },
  });
  map.addSource('stations', { type: 'geojson', data: empty() });
  map.addLayer({
    id: 'stations', type: 'circle', source: 'stations',
    paint: { 'circle-radius': 6, 'circle-color': '#0277bd', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  });
  setShops();
  map.on('click', 'blocks', (e) => {
    if (state.boxMode || state.picking) return;
    const f = e.features && e.features[0];
    if (f) toggleSelected([f.id]);
  });
  map.on('mouseenter', 'blocks', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'blocks', () => { map.getCanvas().style.cursor = ''; });
  addStreetLabels(map);
  setupBoxSelect(map);
}

// ---- shops ----------------------------------------------------------------------------
// Shops come from the vector tiles, which carry each shop's ledger status (the tile cache
// drops a shop's tiles when its ledger changes); drawn under the stations, and loaded again
// (a source of its own each time, see showLiveLayer) when /tiles/events names the shops layer.
function setShops() {
  if (!state.map) return;
  showLiveLayer(state.map, {
    id: 'shops', type: 'circle', 'source-layer': 'shops',
    layout: { visibility: $('show-shops').checked ? 'visible' : 'none' },
    paint: {
      'circle-radius': 5, 'circle-color': ['match', ['get', 'status'], ...Object.entries(SHOP_COLORS).flat(), SHOP_COLORS.unknown],
      'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5,
    },
  }, [location.origin + '/tiles/shops/{z}/{x}/{y}.mvt'], 'stations');
  window.gridsweep.shopReloads = (window.gridsweep.shopReloads || 0) + 1;
}

// ---- street names ----------------------------------------------------------------------
// The labels come from the street tiles' name field. The style has no glyphs URL: the
// pinned MapLibre then draws every label from the browser's own fonts (TinySDF on a
// canvas), so no glyph server or font file is fetched, and CJK names use the local font
// family below. Each block is its own feature, so a name appears once a block is long
// enough on screen to carry it.
const LOCAL_CJK_FONTS = 'Noto Sans CJK SC,Source Han Sans SC,PingFang SC,Microsoft YaHei,Hiragino Sans GB,WenQuanYi Micro Hei,sans-serif';

function addStreetLabels(map) {
  if (!map.getSource('streets')) {
    // A custom ?style= without our street tiles.
    map.addSource('streets', { type: 'vector', tiles: [location.origin + '/tiles/streets/{z}/{x}/{y}.mvt'], maxzoom: 16 });
  }
  map.addLayer({
    id: 'street-labels', type: 'symbol', source: 'streets', 'source-layer': 'streets', minzoom: 15,
    filter: ['has', 'name'],
    layout: {
      'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-size': 12,
      'text-max-angle': 35, 'symbol-spacing': 200, 'text-padding': 2,
    },
    paint: { 'text-color': '#2f2f2f', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  });
}

// ---- the open plan's coverage ------------------------------------------------------------
// The plan's blocks as done (green) or not done (red), a stripe along the worker colours,
// from /tiles/plan-coverage; reloaded when /tiles/events names that layer.
function planCoverageURL() {
  return `${location.origin}/tiles/plan-coverage/{z}/{x}/{y}.mvt?plan=${state.plan.id}`;
}

// Each refresh is a source of its own (see showLiveLayer).
function setPlanCoverage() {
  const map = state.map;
  if (!map) return;
  if (!state.plan || state.plan.status !== 'done') {
    if (map.getLayer('plan-coverage')) dropLiveLayer(map, 'plan-coverage');
    return;
  }
  showLiveLayer(map, {
    id: 'plan-coverage', type: 'line', 'source-layer': 'plan-coverage',
    layout: { 'line-cap': 'round', visibility: $('plancoverage').checked ? 'visible' : 'none' },
    paint: {
      'line-color': ['case', ['==', ['get', 'done'], true], '#1d8a3a', '#c0392b'],
      'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 16, 2.5, 19, 4],
    },
  }, [planCoverageURL()], 'routes');
  window.gridsweep.planCoverageReloads = (window.gridsweep.planCoverageReloads || 0) + 1;
}

$('plancoverage').addEventListener('change', () => {
  if (state.map && state.map.getLayer('plan-coverage')) {
    state.map.setLayoutProperty('plan-coverage', 'visibility', $('plancoverage').checked ? 'visible' : 'none');
  }
});

/**
 * coverageColor paints blocks swept in the window green, darker the more recent their last
 * sweep, and blocks not swept in it red.
 */
function coverageColor(days) {
  const now = Date.now() / 1000;
  return ['case', ['>', ['coalesce', ['get', 'sweeps'], 0], 0],
    ['interpolate', ['linear'], ['coalesce', ['get', 'last_swept'], 0], now - days * 86400, '#8fd19e', now, '#14532d'],
    '#c0392b'];
}

function blocksData() {
  return {
    type: 'FeatureCollection',
    features: state.blocks.map((b) => {
      const a = state.assignments.get(b.id);
      return {
        type: 'Feature', id: b.id, geometry: b.geometry,
        properties: { id: b.id, name: b.properties.name, worker_id: a ? a.worker_id : 0, locked: !!(a && a.locked), color: a ? colorOf(a.worker_id) : '#7b8088' },
      };
    }),
  };
}

function drawBlocks() {
  state.map.getSource('blocks').setData(blocksData());
  for (const id of state.selected) state.map.setFeatureState({ source: 'blocks', id }, { selected: true });
}

function drawRoutes() {
  const features = [];
  for (const [wid, fc] of state.routes) {
    for (const f of fc.features) features.push({ ...f, properties: { worker_id: wid, seq: f.properties.seq, color: colorOf(wid) } });
  }
  state.map.getSource('routes').setData({ type: 'FeatureCollection', features });
  state.map.once('idle', () => {
    window.gridsweep.routesDrawn = state.map.queryRenderedFeatures({ layers: ['routes'] }).length;
  });
}

// ---- selection -----------------------------------------------------------------------
function toggleSelected(ids, on) {
  for (const id of ids) {
    const sel = on ?? !state.selected.has(id);
    if (sel) state.selected.add(id); else state.selected.delete(id);
    state.map.setFeatureState({ source: 'blocks', id }, { selected: sel });
  }
  renderSelection();
}

function renderSelection() {
  $('selcount').textContent = t('sup.select.count', { n: state.selected.size });
  const can = state.selected.size > 0 && state.plan && state.plan.status === 'done';
  for (const id of ['move', 'lock', 'unlock']) $(id).disabled = !can;
  $('selworker').disabled = !(state.plan && state.plan.status === 'done');
  grids?.refresh();
}

function setupBoxSelect(map) {
  const canvas = map.getCanvasContainer();
  let start = null;
  let box = null;
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  canvas.addEventListener('mousedown', (e) => {
    if (!state.boxMode || e.button !== 0) return;
    e.preventDefault();
    start = point(e);
    box = document.createElement('div');
    box.className = 'boxsel';
    canvas.append(box);
  });
  window.addEventListener('mousemove', (e) => {
    if (!start) return;
    const p = point(e);
    Object.assign(box.style, {
      left: Math.min(p[0], start[0]) + 'px', top: Math.min(p[1], start[1]) + 'px',
      width: Math.abs(p[0] - start[0]) + 'px', height: Math.abs(p[1] - start[1]) + 'px',
    });
  });
  window.addEventListener('mouseup', (e) => {
    if (!start) return;
    const p = point(e);
    box.remove();
    const sw = [Math.min(start[0], p[0]), Math.min(start[1], p[1])];
    const ne = [Math.max(start[0], p[0]), Math.max(start[1], p[1])];
    const feats = map.queryRenderedFeatures([sw, ne], { layers: ['blocks'] });
    start = null;
    toggleSelected([...new Set(feats.map((f) => f.id))], true);
  });
}

$('boxsel').addEventListener('click', () => {
  state.boxMode = !state.boxMode;
  $('boxsel').setAttribute('aria-pressed', String(state.boxMode));
  if (state.boxMode) state.map.dragPan.disable(); else state.map.dragPan.enable();
});
$('clearsel').addEventListener('click', () => toggleSelected([...state.selected], false));
// Keyboard (and screen reader) users select whole territories instead of clicking lines.
$('selworker').addEventListener('click', () => {
  const wid = Number($('selof').value);
  toggleSelected([...state.assignments.values()].filter((a) => a.worker_id === wid).map((a) => a.block_id), true);
});

// ---- area --------------------------------------------------------------------------
async function chooseArea(id) {
  state.areaId = id;
  state.selected.clear();
  state.plan = null;
  state.assignments.clear();
  state.routes.clear();
  const token = state.token;
  const q = `area=${id}&limit=1000`;
  const [blocks, stations, workers] = await Promise.all([
    apiAll('/api/v1/blocks?' + q, token),
    apiAll('/api/v1/stations?' + q, token), apiAll('/api/v1/workers?' + q, token),
  ]);
  state.blocks = blocks;
  state.workers = workers.filter((w) => w.active !== false);
  const map = state.map;
  drawBlocks();
  drawRoutes();
  setPlanCoverage();
  map.getSource('stations').setData({ type: 'FeatureCollection', features: stations });
  const area = state.areas.find((a) => a.id === id);
  const bbox = bboxOf(area ? [area.geometry] : blocks.map((b) => b.geometry));
  if (bbox) map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 30, animate: false, maxZoom: 17 });
  setCoverage();
  map.getSource('starts').setData({
    type: 'FeatureCollection',
    features: state.workers.filter((w) => w.start && w.start.coordinates)
      .map((w) => ({ type: 'Feature', geometry: w.start, properties: { name: w.name, color: colorOf(w.id) } })),
  });
  $('moveto').replaceChildren(...state.workers.map((w) => new Option(w.name, w.id)));
  $('selof').replaceChildren(...state.workers.map((w) => new Option(w.name, w.id)));
  $('run').disabled = false;
  renderWorkers();
  renderSelection();
  live.areaChanged();
  await grids.areaChosen(id);
  const remembered = new URL(location.href).searchParams.get('plan') || localStorage.getItem('gridsweep.plan.' + id);
  if (remembered) {
    $('planid').value = remembered;
    await openPlan(Number(remembered)).catch(() => renderPlanStatus());
  } else {
    renderPlanStatus();
  }
}

$('area').addEventListener('change', () => {
  const id = Number($('area').value);
  if (id) chooseArea(id).catch(fail);
});

// ---- plans -------------------------------------------------------------------------
function renderPlanStatus(progress) {
  const p = state.plan;
  if (!p) {
    $('planstatus').textContent = t('sup.plan.none');
    $('progress').value = 0;
    return;
  }
  let text = t('sup.plan.status', { id: p.id, status: t('status.' + p.status) });
  const pr = progress || p.progress || {};
  const st = p.stats || {};
  if (p.status === 'done' && st.makespan_s) {
    // The stored plan's own figures: the search's running best is priced before the
    // final re-routing and can differ from the routes shown.
    text += ' — ' + t('sup.plan.final', { t: formatDuration(st.makespan_s), lb: formatDuration(st.lower_bound_s || 0) });
  } else if (pr.best_makespan_s) {
    text += ' — ' + t('sup.plan.best', { t: formatDuration(pr.best_makespan_s), e: pr.elapsed_s ?? 0 });
  }
  if (p.status === 'failed') text = t('sup.plan.failed', { error: p.error || '' });
  $('planstatus').textContent = text;
  const seconds = (p.params && p.params.seconds) || Number($('seconds').value) || 10;
  if (p.status === 'done') $('progress').value = 100;
  else if (p.status === 'running') $('progress').value = Math.min(99, (100 * (pr.elapsed_s || 0)) / seconds);
  else if (p.status === 'queued') $('progress').value = 0;
  const active = p.status === 'queued' || p.status === 'running';
  $('cancel').disabled = !active;
  $('run').disabled = active || !state.areaId;
  $('replan').disabled = active || !state.areaId;
  $('export').disabled = p.status !== 'done' || state.routes.size === 0;
  renderSelection();
}

// runPlan starts a plan with the grid panel's options, or with extra instead (a re-plan).
async function runPlan(extra) {
  const seconds = Math.max(1, Math.min(600, Number($('seconds').value) || 10));
  const body = { area_id: state.areaId, seconds, ...(extra || grids.planBody()) };
  const { json } = await api('/api/v1/plans', { token: state.token, method: 'POST', body });
  state.plan = json;
  $('planid').value = json.id;
  localStorage.setItem('gridsweep.plan.' + state.areaId, String(json.id));
  renderPlanStatus();
  await followPlan(json.id);
}

async function followPlan(id) {
  if (state.follow) state.follow.abort();
  const ctl = new AbortController();
  state.follow = ctl;
  let final = null;
  try {
    await readEvents(`/api/v1/plans/${id}/events`, state.token, (name, data) => {
      if (name === 'progress') {
        window.gridsweep.events.push(data.status);
        state.plan = { ...state.plan, status: data.status, progress: data.progress };
        renderPlanStatus(data.progress);
      } else if (name === 'done') {
        final = data;
      }
    }, ctl.signal);
  } catch (err) {
    if (err.name === 'AbortError') return;
    throw err;
  } finally {
    if (state.follow === ctl) state.follow = null;
  }
  if (final) await openPlan(final.id);
}

async function openPlan(id) {
  const { json } = await api(`/api/v1/plans/${id}?assignments=true`, { token: state.token });
  if (json.area_id !== state.areaId) {
    // A plan of another area: switch to it first (chooseArea reopens the plan).
    localStorage.setItem('gridsweep.plan.' + json.area_id, String(id));
    $('area').value = String(json.area_id);
    return chooseArea(json.area_id);
  }
  state.plan = json;
  state.assignments = new Map((json.assignments || []).map((a) => [a.block_id, a]));
  state.routes.clear();
  if (json.status === 'done') {
    const ids = [...new Set((json.assignments || []).map((a) => a.worker_id))];
    for (const w of state.workers) if (!ids.includes(w.id)) ids.push(w.id);
    await Promise.all(ids.map(async (wid) => {
      try {
        const { json: fc } = await api(`/api/v1/plans/${id}/routes/${wid}`, { token: state.token });
        state.routes.set(wid, fc);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err; // 404: no route for this worker
      }
    }));
    window.gridsweep.planDone = id;
  }
  drawBlocks();
  drawRoutes();
  setPlanCoverage();
  renderWorkers();
  renderPlanStatus();
  live.planOpened();
  if (json.status === 'queued' || json.status === 'running') followPlan(id).catch(fail);
}

$('run').addEventListener('click', () => runPlan().catch(fail));
$('replan').addEventListener('click', () => runPlan().catch(fail));
$('openplan').addEventListener('click', () => {
  const id = Number($('planid').value);
  if (id) openPlan(id).catch(fail);
});
$('cancel').addEventListener('click', async () => {
  if (!state.plan) return;
  try {
    const { json } = await api(`/api/v1/plans/${state.plan.id}`, { token: state.token, method: 'DELETE' });
    state.plan = json;
    if (state.follow) state.follow.abort();
    renderPlanStatus();
  } catch (err) { fail(err); }
});

// ---- workers table -------------------------------------------------------------------
function routeTotals(wid) {
  const fc = state.routes.get(wid);
  if (!fc) return null;
  let length = 0;
  let time = 0;
  for (const f of fc.features) { length += f.properties.length_m || 0; time += f.properties.duration_s || 0; }
  return { length, time };
}

function renderWorkers() {
  const body = $('workers').tBodies[0];
  const totals = state.workers.map((w) => routeTotals(w.id));
  const longest = Math.max(1, ...totals.map((x) => (x ? x.time : 0)));
  body.replaceChildren(...state.workers.map((w, i) => {
    const tr = document.createElement('tr');
    const cell = (content) => {
      const td = document.createElement('td');
      if (content instanceof Node) td.append(content); else td.textContent = content;
      tr.append(td);
      return td;
    };
    const name = document.createElement('th');
    name.scope = 'row';
    name.innerHTML = `<span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>`;
    name.append(w.name);
    tr.append(name);
    const start = w.start && w.start.coordinates ? w.start.coordinates.map((c) => c.toFixed(5)).join(', ') : t('sup.start.none');
    cell(start);
    cell(t('unit.min', { n: w.shift_minutes }));
    const tot = totals[i];
    cell(tot ? t('unit.km', { n: formatKm(tot.length) }) : '–');
    cell(tot ? formatDuration(tot.time) : '–');
    const pct = tot ? Math.round((100 * tot.time) / longest) : 0;
    const bar = document.createElement('div');
    bar.className = 'balance';
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', t('sup.balance.label', { p: pct }));
    const fill = document.createElement('span');
    fill.style.width = pct + '%';
    fill.style.background = PALETTE[i % PALETTE.length];
    bar.append(fill);
    cell(bar);
    const links = cell('');
    links.className = 'links';
    if (tot && state.plan) {
      const pid = state.plan.id;
      const mk = (label, fn) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'secondary small';
        b.textContent = label;
        b.setAttribute('aria-label', `${label} ${w.name}`);
        b.addEventListener('click', () => fn().catch(fail));
        links.append(b, ' ');
      };
      mk('GeoJSON', () => download(`/api/v1/plans/${pid}/routes/${w.id}`, `plan${pid}-worker${w.id}.geojson`, state.token));
      mk('GPX', () => download(`/api/v1/plans/${pid}/routes/${w.id}.gpx`, `plan${pid}-worker${w.id}.gpx`, state.token));
      const a = document.createElement('a');
      a.href = `/worker?plan=${pid}`;
      a.textContent = t('sup.worker.view');
      links.append(document.createElement('br'), a);
    }
    return tr;
  }));
}

// ---- edits ---------------------------------------------------------------------------
async function edit(makeAssignment) {
  const p = state.plan;
  if (!p || p.status !== 'done') {
    announce($('editstatus'), 'sup.edit.needplan', {}, 'error');
    return;
  }
  const assignments = [...state.selected].map(makeAssignment).filter(Boolean);
  if (!assignments.length) return;
  try {
    const { json } = await api(`/api/v1/plans/${p.id}`, {
      token: state.token, method: 'PATCH', headers: { 'If-Match': `"${p.version}"` }, body: { assignments },
    });
    toggleSelected([...state.selected], false);
    await openPlan(p.id);
    announce($('editstatus'), 'sup.edit.saved', { v: json.version }, 'ok');
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      await openPlan(p.id);
      announce($('editstatus'), 'sup.edit.conflict', {}, 'error');
      return;
    }
    announce($('editstatus'), 'error.generic', { detail: err.message }, 'error');
  }
}

$('move').addEventListener('click', () => {
  const wid = Number($('moveto').value);
  edit((b) => ({ block_id: b, worker_id: wid, locked: !!(state.assignments.get(b) || {}).locked }));
});
for (const [id, locked] of [['lock', true], ['unlock', false]]) {
  $(id).addEventListener('click', () => edit((b) => {
    const a = state.assignments.get(b);
    return a ? { block_id: b, worker_id: a.worker_id, locked } : null;
  }));
}

// ---- coverage ------------------------------------------------------------------------
const allDays = () => Number($('days').value) >= Number($('days').max);
function renderDaysLabel() {
  $('dayslabel').textContent = allDays() ? t('sup.coverage.all') : t('sup.coverage.days', { n: Number($('days').value) });
}

/**
 * setCoverage draws the area's sweep history in the slider's window, at the bottom of the
 * console's layers; loaded again for another window or area and, by live.js, as check-ins
 * arrive (a source of its own each time, see showLiveLayer).
 */
function setCoverage() {
  if (!state.map) return;
  const days = Number($('days').value);
  let url = location.origin + '/tiles/coverage/{z}/{x}/{y}.mvt';
  if (state.areaId) {
    const q = new URLSearchParams({ area: String(state.areaId) });
    if (!allDays()) q.set('days', String(days));
    url += '?' + q;
  }
  showLiveLayer(state.map, {
    id: 'coverage', type: 'line', 'source-layer': 'coverage',
    layout: { visibility: $('coverage').checked ? 'visible' : 'none', 'line-cap': 'round' },
    paint: {
      'line-width': ['interpolate', ['linear'], ['zoom'], 12, 5, 16, 14, 19, 26],
      'line-opacity': 0.55,
      'line-color': coverageColor(days),
    },
  }, [url]);
}

$('days').addEventListener('input', () => { renderDaysLabel(); setCoverage(); });
$('coverage').addEventListener('change', () => {
  state.map.setLayoutProperty('coverage', 'visibility', $('coverage').checked ? 'visible' : 'none');
});
for (const [box, layer] of [['show-shops', 'shops'], ['show-stations', 'stations']]) {
  $(box).addEventListener('change', () => state.map.setLayoutProperty(layer, 'visibility', $(box).checked ? 'visible' : 'none'));
}

// ---- export --------------------------------------------------------------------------
$('export').addEventListener('click', () => {
  const features = [];
  for (const fc of state.routes.values()) features.push(...fc.features);
  const blob = new Blob([JSON.stringify({ type: 'FeatureCollection', features })], { type: 'application/geo+json' });
  saveBlob(blob, `plan${state.plan.id}-routes.geojson`);
});

// ---- start ---------------------------------------------------------------------------
async function start() {
  if (!state.token) return askToken();
  let me;
  try {
    ({ json: me } = await api('/api/v1/me', { token: state.token }));
  } catch (err) {
    return askToken(t('token.bad', { detail: err.message }));
  }
  if (me.role !== 'supervisor') return askToken(t('token.bad', { detail: me.role }));
  $('tokenform').hidden = true;
  if (!state.map) {
    const maplibregl = await loadMapLibre($('map'));
    state.maplibregl = maplibregl;
    state.map = await createMap(maplibregl, $('map'), state.token, { extra: { localIdeographFontFamily: LOCAL_CJK_FONTS } });
    window.gridsweep.map = state.map;
    addLayers(state.map);
    grids = setupGrids({
      state, map: state.map, maplibregl, colorOf, fail, runPlan: (extra) => runPlan(extra).catch(fail),
      workersChanged: () => renderWorkers(),
    });
    live.mapReady();
    followTileChanges();
  }
  state.areas = (await apiAll('/api/v1/areas?limit=1000', state.token)).map((f) => ({ id: f.id, geometry: f.geometry, ...f.properties }));
  const sel = $('area');
  sel.replaceChildren(new Option(t('sup.area.choose'), ''), ...state.areas.map((a) => new Option(`${a.name || a.source_id || a.id} (${a.kind || ''} ${a.id})`, a.id)));
  const want = Number(new URL(location.href).searchParams.get('area')) || me.area_id;
  if (state.areas.some((a) => a.id === want)) {
    sel.value = String(want);
    await chooseArea(want);
  }
  window.gridsweep.ready = true;
}

// ---- live shop colours and plan coverage ---------------------------------------------------
// The server names the tile layers that changed (a worker recorded a shop's state or checked
// in a block); the map reloads those tiles, which the browser revalidates (they are served
// no-cache). The
// stream is reopened after a pause when it breaks, and closed while the page is hidden in
// the back-forward cache (an open stream would keep a connection to the server for nothing).
let tileStream = null;
async function followTileChanges() {
  if (tileStream) return;
  const ctl = new AbortController();
  tileStream = ctl;
  while (!ctl.signal.aborted) {
    try {
      await readEvents('/tiles/events', state.token, (name, ev) => {
        if (name !== 'tiles' || !state.map) return;
        window.gridsweep.tileEvents = (window.gridsweep.tileEvents || 0) + 1;
        const named = (layer) => ev.all || (ev.layers || []).includes(layer);
        if (named('plan-coverage')) setPlanCoverage();
        if (named('shops')) setShops();
      }, ctl.signal);
    } catch (err) {
      if (!ctl.signal.aborted) console.warn('tile events:', err.message);
    }
    if (!ctl.signal.aborted) await new Promise((r) => setTimeout(r, 5000));
  }
}
window.addEventListener('pagehide', () => { tileStream?.abort(); tileStream = null; });
window.addEventListener('pageshow', (e) => { if (e.persisted && state.map) followTileChanges(); });

// The day of the sweep (plan list, publishing, live progress, sign-in codes): live.js.
const live = setupLive(state, { openPlan, fail, reloadCoverage: setCoverage });

setupLangSwitch($('lang'), () => { renderWorkers(); renderPlanStatus(); renderSelection(); renderDaysLabel(); renderShopLegend(); grids?.render(); });
renderDaysLabel();
start().catch(fail);
