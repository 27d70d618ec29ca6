// The dashboard embed: a chrome-less map of one layer, configured by its URL:
// /embed?layer=coverage|heat|shops|stations&area=ID&token=T[&plan=ID&days=N&style=URL].
import { api, applyI18n, createMap, loadMapLibre, t } from './common.js';

const params = new URL(location.href).searchParams;
const layer = ['coverage', 'heat', 'shops', 'stations'].includes(params.get('layer')) ? params.get('layer') : 'coverage';
const token = params.get('token') || '';
const status = document.getElementById('status');
const container = document.getElementById('map');
window.gridsweep = { ready: false };

// tileQuery keeps the filters the layer accepts (the tile server refuses others).
function tileQuery() {
  const q = new URLSearchParams();
  if (layer === 'coverage' || layer === 'heat') {
    for (const k of ['area', 'worker', 'days', 'since', 'until']) if (params.get(k)) q.set(k, params.get(k));
    if (layer === 'coverage' && params.get('plan')) q.set('plan', params.get('plan'));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

const LAYERS = {
  coverage: (src) => [{
    id: 'coverage', type: 'line', source: src, 'source-layer': 'coverage',
    layout: { 'line-cap': 'round' },
    paint: {
      'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2, 16, 6, 19, 14],
      // Swept blocks green, darker the more sweeps; never-swept red.
      'line-color': ['case', ['>', ['coalesce', ['get', 'sweeps'], 0], 0],
        ['interpolate', ['linear'], ['get', 'sweeps'], 1, '#4caf50', 10, '#1b5e20'], '#c0392b'],
    },
  }],
  heat: (src) => [{
    id: 'heat', type: 'heatmap', source: src, 'source-layer': 'heat',
    paint: { 'heatmap-weight': ['interpolate', ['linear'], ['get', 'count'], 0, 0, 20, 1], 'heatmap-radius': 18 },
  }],
  shops: (src) => [{
    id: 'shops', type: 'circle', source: src, 'source-layer': 'shops',
    // Coloured by the shop ledger's status (green open, amber preparing, red closed, brown
    // moved); shops nobody has checked keep the plain purple.
    paint: {
      'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5,
      'circle-color': ['match', ['get', 'status'], 'open', '#2e7d32', 'preparing', '#f9a825', 'closed', '#c62828', 'moved', '#6d4c41', '#6a1b9a'],
    },
  }],
  stations: (src) => [{
    id: 'stations', type: 'circle', source: src, 'source-layer': 'stations',
    paint: { 'circle-radius': 6, 'circle-color': '#0277bd', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 },
  }],
};

async function main() {
  applyI18n();
  const maplibregl = await loadMapLibre(container);
  const map = await createMap(maplibregl, container, token, { extra: { interactive: true } });
  window.gridsweep.map = map;
  const { json: tj } = await api('/tiles/' + layer + '.json' + tileQuery(), { token });
  map.addSource('data', { type: 'vector', tiles: tj.tiles, minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 16 });
  for (const l of LAYERS[layer]('data')) map.addLayer(l);
  if (layer === 'coverage' || layer === 'heat') {
    // Dashboards show where the shops and stations are on top of the sweeps.
    for (const name of ['shops', 'stations']) {
      map.addSource(name, { type: 'vector', tiles: [location.origin + '/tiles/' + name + '/{z}/{x}/{y}.mvt'], maxzoom: 16 });
      for (const l of LAYERS[name](name)) map.addLayer({ ...l, minzoom: 14 });
    }
  }
  if (Array.isArray(tj.bounds) && tj.bounds[0] > -180) {
    map.fitBounds([[tj.bounds[0], tj.bounds[1]], [tj.bounds[2], tj.bounds[3]]], { padding: 20, animate: false, maxZoom: 17 });
  }
  map.once('idle', () => { window.gridsweep.ready = true; });
}

main().catch((err) => {
  status.textContent = t('error.generic', { detail: err.message });
  window.gridsweep.error = err.message;
});
