// The console's tokens page: list the area's tokens (without secrets), create a worker or
// viewer token with an expiry — its secret is shown once, here — and revoke one. A
// supervisor token is made on the command line only (the API refuses it).
import { announce, api, apiAll, currentLang, saveToken, setupLangSwitch, t, tokenFor } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { token: tokenFor('supervisor'), tokens: [], workers: [], areas: [] };
window.gridsweep = { state };
const fail = (err) => announce($('status'), 'error.generic', { detail: err.message }, 'error');

const when = (s) => (s ? new Date(s).toLocaleString(currentLang(), { dateStyle: 'short', timeStyle: 'short' }) : t('tok.never'));

function who(tk) {
  if (tk.worker_id) return (state.workers.find((w) => w.id === tk.worker_id) || {}).name || `#${tk.worker_id}`;
  const a = state.areas.find((x) => x.id === tk.area_id);
  return a ? a.name || `#${a.id}` : `#${tk.area_id}`;
}

function render() {
  const body = $('tokens').tBodies[0];
  if (!state.tokens.length) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 8;
    td.textContent = t('tok.none');
    tr.append(td);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(...state.tokens.map((tk) => {
    const tr = document.createElement('tr');
    tr.dataset.id = String(tk.id);
    tr.dataset.status = tk.status;
    for (const v of [tk.id, t('tok.role.' + tk.role), who(tk), tk.label || '', when(tk.created_at), when(tk.expires_at), t('tok.st.' + tk.status)]) {
      const td = document.createElement('td');
      td.textContent = String(v);
      tr.append(td);
    }
    const td = document.createElement('td');
    if (tk.status !== 'revoked' && tk.role !== 'supervisor') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'secondary small revoke';
      b.textContent = t('tok.revoke');
      b.setAttribute('aria-label', t('tok.revoke.label', { id: tk.id }));
      b.addEventListener('click', () => revoke(tk.id).catch(fail));
      td.append(b);
    }
    tr.append(td);
    return tr;
  }));
}

async function load() {
  state.tokens = await apiAll('/api/v1/tokens?limit=200' + ($('onlyactive').checked ? '&active=true' : ''), state.token);
  render();
  window.gridsweep.loaded = (window.gridsweep.loaded || 0) + 1;
}

async function revoke(id) {
  if (!window.confirm(t('tok.revoke.confirm', { id }))) return;
  await api(`/api/v1/tokens/${id}`, { token: state.token, method: 'DELETE' });
  announce($('status'), 'tok.revoked', { id }, 'ok');
  await load();
}

function renderRole() {
  const worker = $('role').value === 'worker';
  $('workerfield').hidden = !worker;
  $('areafield').hidden = worker;
}

$('role').addEventListener('change', renderRole);
$('onlyactive').addEventListener('change', () => load().catch(fail));
$('newtoken').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = { role: $('role').value };
  if (body.role === 'worker') body.worker_id = Number($('worker').value);
  else if ($('area').value) body.area_id = Number($('area').value);
  if ($('expires').value) body.expires = $('expires').value;
  if ($('label').value.trim()) body.label = $('label').value.trim();
  try {
    const { json } = await api('/api/v1/tokens', { token: state.token, method: 'POST', body });
    announce($('secretnote'), 'tok.secret', { id: json.id });
    $('secret').value = json.token;
    $('copied').textContent = '';
    $('secretbox').hidden = false;
    window.gridsweep.created = json.id;
    $('secret').focus();
    $('secret').select();
    announce($('status'), null);
    await load();
  } catch (err) { fail(err); }
});
$('copysecret').addEventListener('click', async () => {
  $('secret').select();
  try { await navigator.clipboard.writeText($('secret').value); $('copied').textContent = t('tok.copied'); } catch { /* selected for a manual copy */ }
});

$('tokenform').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token').value.trim();
  saveToken('supervisor', state.token);
  start().catch(fail);
});

async function start() {
  if (!state.token) { $('tokenform').hidden = false; return; }
  try {
    const { json: me } = await api('/api/v1/me', { token: state.token });
    if (me.role !== 'supervisor') throw new Error(me.role);
  } catch (err) {
    $('tokenform').hidden = false;
    $('tokenerror').textContent = t('token.bad', { detail: err.message });
    return;
  }
  $('tokenform').hidden = true;
  const [workers, areas] = await Promise.all([apiAll('/api/v1/workers?limit=1000', state.token), apiAll('/api/v1/areas?limit=1000', state.token)]);
  state.workers = workers.filter((w) => w.active !== false);
  state.areas = areas.map((f) => ({ id: f.id, ...f.properties }));
  $('worker').replaceChildren(...state.workers.map((w) => new Option(w.name, w.id)));
  $('area').replaceChildren(...state.areas.map((a) => new Option(`${a.name || a.id} (${a.id})`, a.id)));
  renderRole();
  await load();
  window.gridsweep.ready = true;
}

setupLangSwitch($('lang'), render);
start().catch(fail);
