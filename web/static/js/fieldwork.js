// Field work console: an area's shop ledger (reopening progress, filters, CSV export),
// its inspection campaigns with the shops still to visit, and the day's station duty.
import { announce, api, apiAll, currentLang, download, saveToken, setupLangSwitch, t, tokenFor } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { token: tokenFor('fieldwork'), areaId: 0, summary: null, ledger: [], campaigns: [], duty: null };
// Tests and curious people read the page's state here.
window.gridsweep = { state };

const status = $('status');
const fail = (err) => announce(status, 'error.generic', { detail: err.message }, 'error');

function askToken(message = '') {
  $('tokenform').hidden = false;
  $('tokenerror').textContent = message;
  $('token').focus();
}

$('tokenform').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  saveToken('fieldwork', state.token);
  start().catch(fail);
});

const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};
const row = (...texts) => {
  const tr = document.createElement('tr');
  tr.append(...texts.map(cell));
  return tr;
};
const when = (iso) => (iso ? new Date(iso).toLocaleString(currentLang()) : '—');
const clock = (iso) => new Date(iso).toLocaleTimeString(currentLang(), { hour: '2-digit', minute: '2-digit' });

function render() {
  const s = state.summary;
  if (s) {
    const key = s.open_change > 0 ? 'fw.summary.up' : s.open_change < 0 ? 'fw.summary.down' : 'fw.summary.same';
    $('summary').textContent = t(key, { open: s.now.open, shops: s.shops, n: Math.abs(s.open_change), days: s.step_days });
  }
  $('ledger').replaceChildren(...state.ledger.map((e) => row(
    e.name || '#' + e.shop_id,
    t('fw.st.' + e.status),
    [...e.need_tags.map((n) => t('fw.need.' + n)), e.needs].filter(Boolean).join(', '),
    e.documents.join(', '),
    when(e.observed_at),
  )));
  $('campaigns').replaceChildren(...state.campaigns.map((c) => row(c.name, `${c.starts_on} – ${c.ends_on}`, String(c.unvisited))));
  const d = state.duty;
  if (d) {
    $('duty-counts').textContent = t('fw.duty.counts', { met: d.counts.met, missed: d.counts.missed, open: d.counts.open, upcoming: d.counts.upcoming });
    $('duty').replaceChildren(...d.windows.map((o) => row(
      '#' + o.station_id,
      `${clock(o.starts)}–${clock(o.ends)}`,
      t('fw.duty.' + o.status),
      o.rostered_worker_id ? '#' + o.rostered_worker_id : t('fw.duty.nobody'),
    )));
  }
}

function ledgerQuery() {
  const q = new URLSearchParams({ area: state.areaId, limit: 1000 });
  if ($('f-status').value) q.set('status', $('f-status').value);
  if ($('f-need').value) q.set('need', $('f-need').value);
  return q.toString();
}

async function loadLedger() {
  state.ledger = await apiAll('/api/v1/ledger?' + ledgerQuery(), state.token);
  render();
}

async function loadDuty() {
  const day = $('day').value;
  if (!day || !state.areaId) return;
  ({ json: state.duty } = await api(`/api/v1/duty/report?area=${state.areaId}&first=${day}&last=${day}`, { token: state.token }));
  render();
}

async function chooseArea(id) {
  state.areaId = id;
  $('csv').disabled = !id;
  if (!id) return;
  announce(status, 'fw.loading');
  ({ json: state.summary } = await api(`/api/v1/ledger/summary?area=${id}`, { token: state.token }));
  await loadLedger();
  const campaigns = await apiAll(`/api/v1/campaigns?area=${id}`, state.token);
  state.campaigns = await Promise.all(campaigns.map(async (c) => {
    const { json } = await api(`/api/v1/campaigns/${c.id}/unvisited?area=${id}`, { token: state.token });
    return { ...c, unvisited: json.count };
  }));
  await loadDuty();
  render();
  announce(status, null);
}

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
  const areas = (await apiAll('/api/v1/areas?limit=1000', state.token)).map((f) => ({ id: f.id, ...f.properties }));
  $('area').replaceChildren(new Option(t('sup.area.choose'), ''), ...areas.map((a) => new Option(`${a.name || a.source_id || a.id} (${a.id})`, a.id)));
  $('day').value = new Date().toISOString().slice(0, 10);
  if (areas.some((a) => a.id === me.area_id)) {
    $('area').value = String(me.area_id);
    await chooseArea(me.area_id);
  }
  window.gridsweep.ready = true;
}

$('area').addEventListener('change', () => chooseArea(Number($('area').value)).catch(fail));
$('f-status').addEventListener('change', () => loadLedger().catch(fail));
$('f-need').addEventListener('change', () => loadLedger().catch(fail));
$('day').addEventListener('change', () => loadDuty().catch(fail));
$('csv').addEventListener('click', () => download('/api/v1/ledger.csv?' + ledgerQuery(), `ledger-${state.areaId}.csv`, state.token).catch(fail));

setupLangSwitch($('lang'), render);
start().catch(fail);
