// Service worker of the worker's page: keeps the page, its scripts, the map library and
// the street tiles it has shown, so a phone that lost its connection can still open
// today's route (the route and the check-in queue themselves live in localStorage).
// Network first: online, every file is fresh; the cache only answers when the network
// cannot.
const CACHE = 'gridsweep-worker-v2';
const SHELL = [
  '/worker',
  '/static/css/app.css',
  '/static/js/common.js',
  '/static/js/i18n.js',
  '/static/js/worker.js',
  '/static/js/gps.js',
  '/static/js/i18n_day.js',
  '/static/vendor/maplibre-gl.mjs',
  '/static/vendor/maplibre-gl-worker.mjs',
  '/static/vendor/maplibre-gl-shared.mjs',
  '/static/vendor/maplibre-gl.css',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One missing file (a build without the map library) must not stop the rest.
    await Promise.allSettled(SHELL.map((u) => cache.add(u)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

function cacheable(url) {
  return url.origin === self.location.origin &&
    (url.pathname === '/worker' || url.pathname.startsWith('/static/') || url.pathname.startsWith('/tiles/streets/'));
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || !cacheable(url)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const res = await fetch(req);
      if (res.ok) await cache.put(url.pathname === '/worker' ? '/worker' : req, res.clone());
      return res;
    } catch (err) {
      // The map library asks for its worker with ?v=VERSION; the shell cached it bare.
      const hit = await cache.match(url.pathname === '/worker' ? '/worker' : req, { ignoreSearch: url.pathname.startsWith('/static/') });
      if (hit) return hit;
      throw err;
    }
  })());
});
