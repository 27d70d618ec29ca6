// The phone's position trace, with the worker's consent: while the switch is on and a route
// is open, the page records the latest position every N seconds into a localStorage queue
// and sends it in batches through POST /api/v1/gps. Like the check-in queue, a point is
// made once and keeps its identity on every resend: the server stores one fix per worker
// and instant, so the point's time t is its client key and a replay (an answer lost on
// the way) stores nothing new.
import { ApiError, api, t } from './common.js';

export const GPS_QUEUE_KEY = 'gridsweep.gpsqueue';
const CONSENT_KEY = 'gridsweep.gps.consent';
const EVERY_KEY = 'gridsweep.gps.every';
const DEFAULT_EVERY_S = 15;
const BATCH = 100;
// About 40 hours at the default rate: a phone offline for days must not fill its storage.
const MAX_QUEUED = 10000;

const load = (k, d) => { try { return JSON.parse(localStorage.getItem(k)) ?? d; } catch { return d; } };
const save = (k, v) => localStorage.setItem(k, JSON.stringify(v));

export function gpsQueue() { return load(GPS_QUEUE_KEY, []); }

/** everySeconds is the recording interval: the saved choice, else 15 s. */
export function everySeconds() {
  const n = Number(localStorage.getItem(EVERY_KEY));
  return Number.isFinite(n) && n >= 1 && n <= 600 ? Math.round(n) : DEFAULT_EVERY_S;
}

/**
 * setupPositions wires the consent switch (off until the worker turns it on; the choice is
 * remembered) and the interval input. getToken and routeOpen are read at each tick;
 * onFix(lonlat) gets every position the phone reports (the map's dot, check-in positions);
 * onChange() is called when the queue changes.
 */
export function setupPositions({ toggle, every, statusEl, getToken, routeOpen, onFix = () => {}, onChange = () => {} }) {
  const st = { watch: null, fix: null, timer: null, sending: false, error: '' };
  toggle.checked = localStorage.getItem(CONSENT_KEY) === 'on';
  every.value = String(everySeconds());

  const render = () => {
    const n = gpsQueue().length;
    let msg;
    if (!toggle.checked) msg = t('gps.off');
    else if (!navigator.geolocation) msg = t('wk.locate.none');
    else if (st.error) msg = t('gps.error', { detail: st.error });
    else if (!routeOpen()) msg = t('gps.noroute');
    else msg = t('gps.on', { s: everySeconds() });
    if (n) msg += ' ' + t('gps.queue', { n });
    statusEl.textContent = msg;
    onChange();
  };

  const record = () => {
    if (!toggle.checked || !routeOpen() || !st.fix) return;
    // A fix older than two intervals is stale (the phone lost its signal): not a position now.
    if (Date.now() - st.fix.at > 2 * everySeconds() * 1000 + 30000) return;
    const p = { t: new Date().toISOString(), lon: st.fix.lon, lat: st.fix.lat };
    if (st.fix.accuracy >= 0) p.accuracy_m = Math.round(st.fix.accuracy * 10) / 10;
    if (st.fix.speed >= 0) p.speed_mps = st.fix.speed;
    if (st.fix.heading >= 0 && st.fix.heading < 360) p.heading_deg = st.fix.heading;
    const q = gpsQueue();
    q.push(p);
    save(GPS_QUEUE_KEY, q.slice(-MAX_QUEUED));
    render();
    flush();
  };

  const startWatch = () => {
    if (st.watch !== null || !navigator.geolocation) return;
    st.watch = navigator.geolocation.watchPosition((pos) => {
      const c = pos.coords;
      st.error = '';
      st.fix = { lon: c.longitude, lat: c.latitude, accuracy: c.accuracy ?? -1, speed: c.speed ?? -1, heading: c.heading ?? -1, at: Date.now() };
      onFix([c.longitude, c.latitude]);
      render();
    }, (err) => { st.error = err.message || String(err.code); render(); }, { enableHighAccuracy: true, maximumAge: 5000 });
  };

  const stopWatch = () => {
    if (st.watch !== null) navigator.geolocation.clearWatch(st.watch);
    st.watch = null;
    st.fix = null;
  };

  const apply = () => {
    clearInterval(st.timer);
    st.timer = null;
    if (toggle.checked) {
      startWatch();
      st.timer = setInterval(record, everySeconds() * 1000);
    } else {
      stopWatch();
    }
    render();
  };

  /** flush sends the queue oldest first; what the server answered for leaves the queue. */
  async function flush() {
    const token = getToken();
    if (st.sending || !navigator.onLine || !token) return;
    st.sending = true;
    try {
      for (;;) {
        const batch = gpsQueue().slice(0, BATCH);
        if (!batch.length) break;
        try {
          await api('/api/v1/gps', { token, method: 'POST', body: { points: batch } });
        } catch (err) {
          // A batch the server refuses as invalid cannot succeed later: set aside, not lost.
          if (!(err instanceof ApiError && err.status === 422)) throw err;
          save('gridsweep.gpsrefused', [...load('gridsweep.gpsrefused', []), ...batch].slice(-1000));
        }
        const sent = new Set(batch.map((p) => p.t));
        save(GPS_QUEUE_KEY, gpsQueue().filter((p) => !sent.has(p.t)));
      }
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0)) st.error = err.message;
    } finally {
      st.sending = false;
      render();
    }
  }

  toggle.addEventListener('change', () => {
    localStorage.setItem(CONSENT_KEY, toggle.checked ? 'on' : 'off');
    apply();
  });
  every.addEventListener('change', () => {
    const n = Math.round(Number(every.value));
    if (n >= 1 && n <= 600) localStorage.setItem(EVERY_KEY, String(n));
    every.value = String(everySeconds());
    apply();
  });
  window.addEventListener('online', flush);
  setInterval(flush, 20000);
  apply();
  return { flush, render };
}
