// Grids in the supervisor console: a community's grids (areas of kind grid) drawn with
// their names, each grid's workers listed under it (a select, or drag and drop, moves a
// worker to another grid), a worker's start and end set by clicking the map, the plan's
// mode, campaign and teams, routes shown grid by grid, and the re-plan around locked
// blocks. supervisor.js owns the page; this module gets its state and a few callbacks.
import { ApiError, announce, api, apiAll, bboxOf, formatDuration, t } from './common.js';

const $ = (id) => document.getElementById(id);

// Grid outlines use colours of their own, apart from the workers' palette, so a grid's
// boundary is not read as one worker's route.
export const GRID_COLORS = ['#b35806', '#542788', '#1b7837', '#c51b7d', '#2166ac', '#8c510a', '#01665e', '#762a83'];

const empty = () => ({ type: 'FeatureCollection', features: [] });
const isPoint = (g) => g && Array.isArray(g.coordinates) && g.coordinates.length === 2;
const fmtPoint = (c) => c.map((x) => x.toFixed(5)).join(', ');
const round6 = (x) => Math.round(x * 1e6) / 1e6;

/**
 * setupGrids adds the grid layers to the map and wires the grid panel and plan options.
 * ctx: { state, map, maplibregl, colorOf(workerId), runPlan(extraBody), workersChanged(), fail(err) }.
 * It returns the hooks supervisor.js calls: areaChosen(id) after an area's workers are
 * loaded, planBody() for the fields a plan request adds, refresh() when the plan or the
 * selection changed, and render() after a language switch.
 */
export function setupGrids(ctx) {
  const { state, map } = ctx;
  const g = { grids: [], campaigns: [], teams: [], labels: [], picking: null, shown: '' };
  state.grids = g;
  window.gridsweep.grids = g;

  addLayers(map);
  map.on('click', (e) => {
    if (!state.picking) return;
    place([e.lngLat.lng, e.lngLat.lat]).catch(ctx.fail);
  });
  // From the keyboard: with the map focused, Enter places the point at the map's centre
  // (arrow keys pan the map there first); Escape gives up.
  map.getCanvas().addEventListener('keydown', (e) => {
    if (!state.picking) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      const c = map.getCenter();
      place([c.lng, c.lat]).catch(ctx.fail);
    } else if (e.key === 'Escape') {
      stopPicking('grid.pick.cancelled');
    }
  });

  $('gridshow').addEventListener('change', () => showGrid($('gridshow').value));
  $('planmode').addEventListener('change', renderPlanOptions);
  $('replanlocked').addEventListener('click', () => replanAroundLocks().catch(ctx.fail));

  // ---- map -------------------------------------------------------------------------
  function addLayers(m) {
    m.addSource('grids', { type: 'geojson', data: empty() });
    const below = m.getLayer('blocks') ? 'blocks' : undefined;
    m.addLayer({ id: 'grids-fill', type: 'fill', source: 'grids', paint: { 'fill-color': ['get', 'color'], 'fill-opacity': 0.07 } }, below);
    m.addLayer({
      id: 'grids-line', type: 'line', source: 'grids', layout: { 'line-join': 'round' },
      paint: { 'line-color': ['get', 'color'], 'line-width': 3, 'line-dasharray': [3, 1.5], 'line-opacity': 0.9 },
    }, below);
    // Starts the planner chose (workers without one of their own): hollow, as a proposal.
    m.addSource('starts-chosen', { type: 'geojson', data: empty() });
    m.addLayer({
      id: 'starts-chosen', type: 'circle', source: 'starts-chosen',
      paint: { 'circle-radius': 6, 'circle-color': '#fff', 'circle-stroke-color': ['get', 'color'], 'circle-stroke-width': 2, 'circle-opacity': 0.8 },
    });
    m.addSource('ends', { type: 'geojson', data: empty() });
    m.addLayer({
      id: 'ends', type: 'circle', source: 'ends',
      paint: { 'circle-radius': 6, 'circle-color': '#fff', 'circle-stroke-color': ['get', 'color'], 'circle-stroke-width': 3 },
    });
  }

  function gridColor(i) { return GRID_COLORS[i % GRID_COLORS.length]; }

  function drawGrids() {
    map.getSource('grids').setData({
      type: 'FeatureCollection',
      features: g.grids.map((gr, i) => ({ type: 'Feature', id: gr.id, geometry: gr.geometry, properties: { id: gr.id, name: gr.name, color: gridColor(i) } })),
    });
    for (const m of g.labels) m.remove();
    // Names as HTML markers: the base style has no glyphs for symbol text.
    g.labels = g.grids.map((gr, i) => {
      const el = document.createElement('div');
      el.className = 'gridlabel';
      el.style.borderColor = gridColor(i);
      el.textContent = gr.name;
      el.setAttribute('aria-hidden', 'true');
      return new ctx.maplibregl.Marker({ element: el, anchor: 'top', offset: [0, 4] }).setLngLat(labelPoint(gr.geometry)).addTo(map);
    });
  }

  // drawPoints draws every worker's start (supervisor.js's layer) and end.
  function drawPoints() {
    const ws = state.workers;
    map.getSource('starts').setData({
      type: 'FeatureCollection',
      features: ws.filter((w) => isPoint(w.start)).map((w) => ({ type: 'Feature', geometry: w.start, properties: { worker_id: w.id, name: w.name, color: ctx.colorOf(w.id) } })),
    });
    map.getSource('starts-chosen').setData({
      type: 'FeatureCollection',
      features: ws.filter((w) => !isPoint(w.start) && chosenStart(w.id)).map((w) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: chosenStart(w.id) }, properties: { worker_id: w.id, name: w.name, color: ctx.colorOf(w.id) } })),
    });
    map.getSource('ends').setData({
      type: 'FeatureCollection',
      features: ws.filter((w) => Array.isArray(w.end)).map((w) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: w.end }, properties: { worker_id: w.id, name: w.name, color: ctx.colorOf(w.id) } })),
    });
  }

  // chosenStart is where the finished plan started worker wid when the planner chose the
  // start (its report's per_worker start_rule is not "given"), else null.
  function chosenStart(wid) {
    const st = state.plan && state.plan.status === 'done' ? state.plan.stats : null;
    if (!st || !Array.isArray(st.worker_ids) || !Array.isArray(st.per_worker)) return null;
    const rep = st.per_worker[st.worker_ids.indexOf(wid)];
    return rep && rep.start_rule && rep.start_rule !== 'given' && Array.isArray(rep.start) ? rep.start : null;
  }

  // ---- routes per grid ---------------------------------------------------------------
  function showGrid(value) {
    g.shown = value;
    const gr = g.grids.find((x) => String(x.id) === value);
    const filter = gr ? ['in', ['get', 'worker_id'], ['literal', state.workers.filter((w) => w.area_id === gr.id).map((w) => w.id)]] : null;
    // Blocks stay: they show every territory, and the selection works on all of them.
    for (const id of ['routes', 'route-arrows', 'starts', 'starts-chosen', 'ends']) {
      if (map.getLayer(id)) map.setFilter(id, filter);
    }
    const bbox = gr ? bboxOf([gr.geometry]) : null;
    if (bbox) map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 30, animate: false, maxZoom: 17 });
  }

  // ---- area --------------------------------------------------------------------------
  async function areaChosen(id) {
    stopPicking();
    const token = state.token;
    const [grids, campaigns, teams] = await Promise.all([
      api(`/api/v1/areas/${id}/grids`, { token }).then(({ json }) => json.features),
      apiAll(`/api/v1/campaigns?area=${id}&limit=1000`, token).catch(() => []),
      apiAll(`/api/v1/teams?area=${id}&limit=1000`, token).catch(() => []),
    ]);
    // Which grid a worker is in is read from state.workers (area_id), kept current by
    // the edits here; the endpoint gives the grids' names and boundaries.
    g.grids = grids.map((f) => ({ id: f.id, name: f.properties.name || f.properties.source_id || String(f.id), geometry: f.geometry }));
    g.campaigns = campaigns;
    g.teams = teams;
    drawGrids();
    drawPoints();
    $('gridshow').value = '';
    showGrid('');
    render();
  }

  // ---- panel -------------------------------------------------------------------------
  function render() {
    $('gridpanel').hidden = g.grids.length === 0;
    const show = $('gridshow');
    const keep = show.value;
    show.replaceChildren(new Option(t('grid.show.all'), ''), ...g.grids.map((gr) => new Option(gr.name, gr.id)));
    show.value = g.grids.some((gr) => String(gr.id) === keep) ? keep : '';
    const list = $('gridlist');
    const sections = g.grids.map((gr, i) => gridSection(gr, gridColor(i), state.workers.filter((w) => w.area_id === gr.id)));
    const outside = state.workers.filter((w) => !g.grids.some((gr) => gr.id === w.area_id));
    if (g.grids.length && outside.length) sections.push(gridSection(null, '#6b7280', outside));
    list.replaceChildren(...sections);
    renderPlanOptions();
    refresh();
  }

  function gridSection(gr, color, workers) {
    const sec = document.createElement('section');
    sec.className = 'gridsec';
    sec.dataset.grid = gr ? String(gr.id) : '';
    const h = document.createElement('h3');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = color;
    h.append(sw, gr ? gr.name : t('grid.none'));
    const facts = document.createElement('span');
    facts.className = 'muted gridfacts';
    facts.textContent = ' ' + t('grid.workers', { n: workers.length }) + gridStats(gr);
    h.append(facts);
    sec.append(h);
    const ul = document.createElement('ul');
    ul.className = 'gridworkers';
    ul.append(...workers.map(workerItem));
    if (!workers.length) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = t('grid.noworkers');
      ul.append(li);
    }
    sec.append(ul);
    // Drag a worker onto another grid's list to move them there.
    sec.addEventListener('dragover', (e) => {
      if (gr && e.dataTransfer.types.includes('text/x-gridsweep-worker')) { e.preventDefault(); sec.classList.add('dropping'); }
    });
    sec.addEventListener('dragleave', () => sec.classList.remove('dropping'));
    sec.addEventListener('drop', (e) => {
      sec.classList.remove('dropping');
      const wid = Number(e.dataTransfer.getData('text/x-gridsweep-worker'));
      if (gr && wid) { e.preventDefault(); moveWorker(wid, gr.id).catch(ctx.fail); }
    });
    return sec;
  }

  // gridStats are the finished plan's figures for grid gr (its report's grids[]).
  function gridStats(gr) {
    const st = state.plan && state.plan.status === 'done' ? state.plan.stats : null;
    if (!gr || !st || !Array.isArray(st.grids) || !Array.isArray(st.grid_area_ids)) return '';
    const rep = st.grids[st.grid_area_ids.indexOf(gr.id)];
    if (!rep) return '';
    return ' · ' + t('grid.stats', {
      covered: rep.blocks_covered, required: rep.blocks_required,
      makespan: formatDuration(rep.makespan_s), bound: formatDuration(rep.lower_bound_s),
    });
  }

  function workerItem(w) {
    const li = document.createElement('li');
    li.draggable = true;
    li.dataset.worker = String(w.id);
    li.addEventListener('dragstart', (e) => {
      e.dataTransfer.setData('text/x-gridsweep-worker', String(w.id));
      e.dataTransfer.effectAllowed = 'move';
    });
    const name = document.createElement('strong');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = ctx.colorOf(w.id);
    name.append(sw, w.name);
    const row = document.createElement('div');
    row.className = 'row';
    // Which grid: the select is the keyboard's way; dragging the item is the mouse's.
    const gridSel = document.createElement('select');
    gridSel.className = 'gridof';
    gridSel.setAttribute('aria-label', t('grid.of', { name: w.name }));
    if (!g.grids.some((gr) => gr.id === w.area_id)) gridSel.append(new Option(t('grid.none'), String(w.area_id)));
    gridSel.append(...g.grids.map((gr) => new Option(gr.name, gr.id)));
    gridSel.value = String(w.area_id);
    gridSel.addEventListener('change', () => moveWorker(w.id, Number(gridSel.value)).catch(ctx.fail));
    const startBtn = pickButton(w, 'start');
    const endSel = document.createElement('select');
    endSel.className = 'endof';
    endSel.setAttribute('aria-label', t('grid.end.of', { name: w.name }));
    endSel.append(new Option(t('grid.end.start'), 'start'), new Option(t('grid.end.point'), 'point'), new Option(t('grid.end.open'), 'open'));
    endSel.value = w.end === 'open' ? 'open' : Array.isArray(w.end) ? 'point' : 'start';
    endSel.addEventListener('change', () => {
      if (endSel.value === 'point') startPicking(w, 'end');
      else patchWorker(w, { end: endSel.value === 'open' ? 'open' : null }, 'grid.end.saved').catch(ctx.fail);
    });
    row.append(gridSel, startBtn, endSel);
    if (Array.isArray(w.end)) row.append(pickButton(w, 'end'));
    const where = document.createElement('div');
    where.className = 'muted';
    const chosen = chosenStart(w.id);
    const start = isPoint(w.start) ? fmtPoint(w.start.coordinates)
      : chosen ? t('grid.start.chosen', { at: fmtPoint(chosen) }) : t('grid.start.auto');
    const end = w.end === 'open' ? t('grid.end.open') : Array.isArray(w.end) ? fmtPoint(w.end) : t('grid.end.start');
    where.textContent = t('grid.where', { start, end });
    li.append(name, row, where);
    return li;
  }

  function pickButton(w, what) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary small pick' + what;
    b.textContent = t('grid.pick.' + what);
    b.setAttribute('aria-label', t('grid.pick.' + what + '.of', { name: w.name }));
    const on = state.picking && state.picking.worker === w.id && state.picking.what === what;
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.addEventListener('click', () => (on ? stopPicking('grid.pick.cancelled') : startPicking(w, what)));
    return b;
  }

  // ---- picking a start or an end on the map --------------------------------------------
  function startPicking(w, what) {
    state.picking = { worker: w.id, what };
    map.getCanvas().style.cursor = 'crosshair';
    render();
    announce($('gridstatus'), 'grid.pick.' + what + '.help', { name: w.name });
    map.getCanvas().focus();
  }

  function stopPicking(key) {
    if (!state.picking) return;
    state.picking = null;
    map.getCanvas().style.cursor = '';
    render();
    if (key) announce($('gridstatus'), key);
  }

  async function place(lonlat) {
    const p = state.picking;
    const w = state.workers.find((x) => x.id === p.worker);
    state.picking = null;
    map.getCanvas().style.cursor = '';
    if (!w) return render();
    const c = lonlat.map(round6);
    const body = p.what === 'start' ? { start: { type: 'Point', coordinates: c } } : { end: c };
    await patchWorker(w, body, 'grid.' + p.what + '.saved');
  }

  async function moveWorker(wid, gridId) {
    const w = state.workers.find((x) => x.id === wid);
    if (!w || w.area_id === gridId) return;
    const gr = g.grids.find((x) => x.id === gridId);
    await patchWorker(w, { area_id: gridId }, 'grid.moved', { grid: gr ? gr.name : gridId });
  }

  async function patchWorker(w, body, okKey, params = {}) {
    try {
      const { json } = await api(`/api/v1/workers/${w.id}`, { token: state.token, method: 'PATCH', body });
      Object.assign(w, json);
      announce($('gridstatus'), okKey, { name: w.name, ...params }, 'ok');
    } catch (err) {
      const detail = err instanceof ApiError ? err.message : String(err);
      announce($('gridstatus'), 'grid.save.failed', { name: w.name, detail }, 'error');
    }
    render();
    drawPoints();
    showGrid(g.shown);
    ctx.workersChanged();
  }

  // ---- plan options --------------------------------------------------------------------
  function renderPlanOptions() {
    const camp = $('plancampaign');
    const keepC = camp.value;
    camp.replaceChildren(new Option(t('grid.campaign.none'), ''), ...g.campaigns.map((c) => new Option(`${c.name} (${c.starts_on} – ${c.ends_on})`, c.id)));
    camp.value = g.campaigns.some((c) => String(c.id) === keepC) ? keepC : '';
    const box = $('planteams');
    const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
    box.hidden = g.teams.length === 0;
    const items = g.teams.map((tm) => {
      const label = document.createElement('label');
      label.className = 'tick';
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.value = String(tm.id);
      cb.checked = checked.has(cb.value);
      label.append(cb, tm.name);
      return label;
    });
    const legend = document.createElement('legend');
    legend.textContent = t('grid.teams');
    box.replaceChildren(legend, ...items);
  }

  /** planBody is what the plan options add to POST /api/v1/plans. */
  function planBody() {
    const body = { mode: $('planmode').value || 'patrol' };
    const camp = Number($('plancampaign').value);
    if (camp) body.campaign_id = camp;
    const teams = [...$('planteams').querySelectorAll('input:checked')].map((i) => Number(i.value));
    if (teams.length) body.teams = teams;
    return body;
  }

  // ---- re-plan around locked blocks ------------------------------------------------------
  function lockedBlocks() {
    return [...state.assignments.values()].filter((a) => a.locked).map((a) => a.block_id);
  }

  function refresh() {
    const p = state.plan;
    const done = !!(p && p.status === 'done');
    const planKey = p ? `${p.id}:${p.status}:${p.version}:${!!(p.stats && p.stats.per_worker)}` : '';
    if (planKey !== g.planKey) {
      // Another plan (or it finished): its chosen starts and figures go with it.
      g.planKey = planKey;
      render();
      drawPoints();
      return;
    }
    $('replanlocked').disabled = !done || lockedBlocks().length === 0;
    for (const sec of $('gridlist').querySelectorAll('section.gridsec')) {
      const gr = g.grids.find((x) => String(x.id) === sec.dataset.grid);
      const facts = sec.querySelector('.gridfacts');
      if (facts) facts.textContent = ' ' + t('grid.workers', { n: state.workers.filter((w) => (gr ? w.area_id === gr.id : !g.grids.some((x) => x.id === w.area_id))).length }) + gridStats(gr);
    }
  }

  async function replanAroundLocks() {
    const p = state.plan;
    const locks = lockedBlocks();
    if (!p || p.status !== 'done' || !locks.length) {
      announce($('editstatus'), 'grid.replan.nolocks', {}, 'error');
      return;
    }
    // A re-plan keeps the previous plan's workers and campaign; it is patrol only.
    const body = { mode: 'patrol', replan_of: p.id, locks };
    const prev = p.params || {};
    if (prev.campaign) body.campaign_id = prev.campaign;
    if (Array.isArray(prev.workers) && prev.workers.length) body.workers = prev.workers;
    announce($('editstatus'), 'grid.replan.started', { n: locks.length, id: p.id }, 'ok');
    await ctx.runPlan(body);
    const q = state.plan;
    if (q && q.id !== p.id && q.status === 'done') announce($('editstatus'), 'grid.replan.done', { id: q.id, of: p.id, n: locks.length }, 'ok');
  }

  return { areaChosen, planBody, refresh, render: () => { render(); drawPoints(); } };
}

// labelPoint is where a grid's name goes: the middle of the top edge of its largest
// ring's bounding box, inside the boundary and off the streets the routes fill.
function labelPoint(geom) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  let best = null;
  let bestArea = -1;
  for (const poly of polys) {
    const b = bboxOf([{ coordinates: poly[0] }]);
    if (!b) continue;
    const a = (b[2] - b[0]) * (b[3] - b[1]);
    if (a > bestArea) { bestArea = a; best = b; }
  }
  return best ? [(best[0] + best[2]) / 2, best[3]] : [0, 0];
}
