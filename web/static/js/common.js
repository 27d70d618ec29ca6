// Shared helpers of the pages: language, the bearer token, API calls with problem+json
// errors, the Server-Sent Events reader, and the MapLibre map on the project's own tiles.
import { strings } from './i18n.js';

const LANG_KEY = 'gridsweep.lang';

/** The page language: a saved choice, else the browser's (zh* → zh-CN), else English. */
export function currentLang() {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved && strings[saved]) return saved;
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** t looks a string up in the current language and fills {name} placeholders. */
export function t(key, params = {}) {
  const lang = currentLang();
  const s = (strings[lang] && strings[lang][key]) ?? strings.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

/** applyI18n fills every data-i18n* element below root in the current language. */
export function applyI18n(root = document) {
  document.documentElement.lang = currentLang();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const [attr, data] of [['aria-label', 'i18nAria'], ['placeholder', 'i18nPlaceholder'], ['title', 'i18nTitle']]) {
    const sel = '[data-' + data.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()) + ']';
    for (const el of root.querySelectorAll(sel)) el.setAttribute(attr, t(el.dataset[data]));
  }
}

/** setupLangSwitch wires a <select> to switch language; onChange re-renders dynamic parts. */
export function setupLangSwitch(select, onChange = () => {}) {
  select.value = currentLang();
  select.addEventListener('change', () => {
    localStorage.setItem(LANG_KEY, select.value);
    applyI18n();
    retranslate();
    onChange();
  });
  applyI18n();
}

/**
 * tokenFor returns the page's bearer token: ?token= in the URL (then remembered), else the
 * one remembered for this page. The URL copy is removed (except in the embed, whose URL
 * is its configuration) so it does not end up in bookmarks or screenshots.
 */
export function tokenFor(page, { keepInURL = false } = {}) {
  const key = 'gridsweep.token.' + page;
  const url = new URL(location.href);
  const fromURL = url.searchParams.get('token');
  if (fromURL) {
    if (!keepInURL) {
      localStorage.setItem(key, fromURL);
      url.searchParams.delete('token');
      history.replaceState(null, '', url);
    }
    return fromURL;
  }
  return localStorage.getItem(key) || '';
}

export function saveToken(page, token) {
  localStorage.setItem('gridsweep.token.' + page, token);
}

/** ApiError carries an RFC 9457 problem (or a network failure: status 0). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

/** api calls the JSON API with the bearer token and returns {json, headers, status}. */
export async function api(path, { token, method = 'GET', body, headers = {} } = {}) {
  const h = { Accept: 'application/json, application/geo+json, application/problem+json', ...headers };
  if (token) h.Authorization = 'Bearer ' + token;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, { title: 'network', detail: String(err.message || err) });
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json || { detail: text.slice(0, 200) || 'HTTP ' + res.status });
  return { json, headers: res.headers, status: res.status };
}

/** apiAll follows a list's `next` links and returns every item (features or items). */
export async function apiAll(path, token) {
  const out = [];
  let next = path;
  while (next) {
    const { json } = await api(next, { token });
    out.push(...(json.features || json.items || []));
    next = json.next || null;
  }
  return out;
}

/**
 * readEvents reads a Server-Sent Events stream with fetch, because EventSource cannot
 * send an Authorization header. onEvent(name, data) gets each event's parsed JSON.
 */
export async function readEvents(path, token, onEvent, signal) {
  const res = await fetch(path, { headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, await res.json().catch(() => ({})));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) {
        let v = data.join('\n');
        try { v = JSON.parse(v); } catch { /* keep text */ }
        onEvent(name, v);
      }
    }
  }
}

/** download fetches an authenticated file and saves it under filename. */
export async function download(path, filename, token) {
  const res = await fetch(path, { headers: { Authorization: 'Bearer ' + token } });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  saveBlob(await res.blob(), filename);
}

export function saveBlob(blob, filename) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/**
 * loadMapLibre imports the vendored MapLibre module, or shows why it cannot. With
 * workerFromPage, the map's web worker is started from a copy fetched by the page: a
 * service worker can answer that fetch offline, while Chromium does not route a module
 * worker's own script request through it.
 */
export async function loadMapLibre(container, { workerFromPage = false } = {}) {
  try {
    const mod = await import('/static/vendor/maplibre-gl.mjs');
    const lib = mod.default && mod.default.Map ? mod.default : mod;
    if (workerFromPage) {
      try {
        const res = await fetch('/static/vendor/maplibre-gl-worker.mjs');
        if (res.ok) lib.setWorkerUrl(URL.createObjectURL(new Blob([await res.text()], { type: 'text/javascript' })));
      } catch { /* keep the default worker URL */ }
    }
    return lib;
  } catch (err) {
    const p = document.createElement('p');
    p.className = 'notice error';
    p.setAttribute('role', 'alert');
    p.textContent = t('maplib.missing');
    container.replaceChildren(p);
    throw err;
  }
}

/** The base map: the project's own street tiles, so the pages work without the internet. */
export function baseStyle() {
  const origin = location.origin;
  return {
    version: 8,
    sources: {
      streets: { type: 'vector', tiles: [origin + '/tiles/streets/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16 },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f3f1ec' } },
      {
        id: 'streets', type: 'line', source: 'streets', 'source-layer': 'streets',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': '#c9c4b8',
          'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 16, 4, 19, 10],
        },
      },
    ],
  };
}

/**
 * createMap makes a map in container. ?style= in the page URL may point at another base
 * style; requests to this server carry the bearer token (tiles need it).
 */
export async function createMap(maplibregl, container, token, options = {}) {
  const styleURL = new URL(location.href).searchParams.get('style');
  const map = new maplibregl.Map({
    container,
    style: styleURL || baseStyle(),
    center: options.center || [0, 0],
    zoom: options.zoom ?? 1,
    attributionControl: { compact: true, customAttribution: '© OpenStreetMap contributors' },
    transformRequest: (url) => {
      if (token && url.startsWith(location.origin + '/')) {
        return { url, headers: { Authorization: 'Bearer ' + token } };
      }
      return { url };
    },
    ...options.extra,
  });
  map.getCanvas().setAttribute('aria-label', t('map.label'));
  await new Promise((resolve) => map.once('load', resolve));
  addArrowImage(map);
  return map;
}

/** addArrowImage draws the direction arrow used along routes (no sprite server needed). */
function addArrowImage(map) {
  const size = 24;
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.strokeStyle = '#1a1a1a';
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(4, 5); g.lineTo(20, 12); g.lineTo(4, 19); g.lineTo(8, 12); g.closePath();
  g.fill(); g.stroke();
  map.addImage('arrow', g.getImageData(0, 0, size, size));
}

// ---- live tile layers -------------------------------------------------------------------
// A layer whose tiles change under it (check-ins, ledger entries) is loaded again from a
// source of its own each time: above the tiles' maxzoom 16 MapLibre's worker keeps the
// tiles it cut from a zoom-16 tile by source id and URL, so setTiles with the same URL (or
// removing and adding a source of the same id) fetched the new tile and still drew the old
// features at street zoom.
let liveSources = 0;

/**
 * showLiveLayer draws layer (a style layer without its source) from a new vector source of
 * these tile URLs. A layer of the same id is replaced where it is in the layer order, with
 * its source; a new one goes under the layer before (on top without it).
 */
export function showLiveLayer(map, layer, tiles, before) {
  if (map.getLayer(layer.id)) before = dropLiveLayer(map, layer.id);
  const source = `${layer.id}-${++liveSources}`;
  map.addSource(source, { type: 'vector', tiles, maxzoom: 16 });
  map.addLayer({ ...layer, source }, before);
}

/** dropLiveLayer removes a layer and its source and answers the id of the layer that was above it. */
export function dropLiveLayer(map, id) {
  const order = map.getLayersOrder();
  const { source } = map.getLayer(id);
  map.removeLayer(id);
  map.removeSource(source);
  return order[order.indexOf(id) + 1];
}

/** bboxOf returns [west, south, east, north] of GeoJSON geometries, or null. */
export function bboxOf(geoms) {
  let b = null;
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      if (!b) b = [c[0], c[1], c[0], c[1]];
      else { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); }
      return;
    }
    for (const x of c) visit(x);
  };
  for (const g of geoms) if (g && g.coordinates) visit(g.coordinates);
  return b;
}

/** A palette readable on the light base map, one colour per worker (cycled). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f00', '#393b79'];

export function formatKm(m) {
  return (m / 1000).toFixed(m < 10000 ? 2 : 1);
}

export function formatDuration(s) {
  const min = Math.round(s / 60);
  if (min < 60) return t('unit.min', { n: min });
  return Math.floor(min / 60) + ':' + String(min % 60).padStart(2, '0') + ' h';
}

/**
 * announce writes the message key (with its params) into a live region so screen readers
 * hear it; the key is kept so a language switch can say it again in the new language.
 * A null key clears the region.
 */
export function announce(el, key, params = {}, kind = 'info') {
  if (!key) {
    el.textContent = '';
    delete el.dataset.msg;
    delete el.dataset.kind;
    return;
  }
  el.dataset.msg = JSON.stringify([key, params]);
  el.dataset.kind = kind;
  el.textContent = t(key, params);
}

function retranslate() {
  for (const el of document.querySelectorAll('[data-msg]')) {
    const [key, params] = JSON.parse(el.dataset.msg);
    el.textContent = t(key, params);
  }
}
