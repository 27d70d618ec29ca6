// The printable end-of-day report of a plan (?plan=): per worker, blocks and shops done,
// distance, first and last activity, and the blocks missed, by street name. The numbers
// come from GET /plans/{id}/progress and the activity times and missed blocks from
// GET /plans/{id}/report.csv, the same file the CSV button saves.
import { ApiError, announce, api, apiAll, currentLang, formatKm, saveBlob, saveToken, setupLangSwitch, t, tokenFor } from './common.js';

const $ = (id) => document.getElementById(id);
const state = { token: tokenFor('supervisor'), planId: Number(new URL(location.href).searchParams.get('plan')) || 0 };
window.gridsweep = { state };
const fail = (err) => announce($('status'), 'error.generic', { detail: err.message }, 'error');

/** parseCSV reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of strings. */
export function parseCSV(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** csvRecords maps each CSV row to an object by the header's column names. */
function csvRecords(text) {
  const [head, ...rows] = parseCSV(text.replace(/^\uFEFF/, ''));
  if (!head) return [];
  return rows.filter((r) => r.length > 1).map((r) => Object.fromEntries(head.map((h, i) => [h.trim(), r[i] ?? ''])));
}

/** missedOf picks the missed blocks out of the report's rows: {worker_id, street}. */
function missedOf(records) {
  return records.filter((r) => r.missed_block_id || r.block_id)
    .map((r) => ({ worker_id: Number(r.worker_id), street: r.street || r.street_name || '' }));
}

const when = (s) => (s ? new Date(s).toLocaleTimeString(currentLang(), { hour: '2-digit', minute: '2-digit' }) : '–');
const pct = (done, total) => (total ? Math.round((100 * done) / total) : 0);

function render() {
  const { plan, progress, workers } = state;
  if (!plan || !progress) return;
  const day = (plan.published_on && plan.published_on[0]) || new Date(plan.created_at).toLocaleDateString(currentLang());
  $('planline').textContent = t('rep.plan', { id: plan.id, area: plan.area_id, day });
  const name = (id) => (workers.find((w) => w.id === id) || progress.workers.find((w) => w.worker === id) || {}).name || `#${id}`;
  const missed = (id) => state.missed.filter((m) => m.worker_id === id);
  const rows = [...progress.workers].sort((a, b) => name(a.worker).localeCompare(name(b.worker), currentLang()));
  const tr = (cells, head) => {
    const row = document.createElement('tr');
    cells.forEach((c, i) => {
      const el = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) el.scope = 'row';
      el.textContent = String(c);
      row.append(el);
    });
    if (head) row.className = 'total';
    return row;
  };
  $('report').tBodies[0].replaceChildren(...rows.map((r) => {
    const row = tr([name(r.worker), `${r.blocks_done}/${r.blocks_total} (${pct(r.blocks_done, r.blocks_total)} %)`,
      `${r.shops_visited}/${r.shops_total}`, formatKm(r.distance_done_m || 0),
      when(r.first_activity), when(r.last_activity), t('live.st.' + r.status)]);
    row.dataset.worker = String(r.worker);
    return row;
  }));
  const tt = progress.totals || {};
  $('report').tFoot.replaceChildren(tr([t('rep.total'), `${tt.blocks_done ?? 0}/${tt.blocks_total ?? 0} (${pct(tt.blocks_done, tt.blocks_total)} %)`,
    `${tt.shops_visited ?? 0}/${tt.shops_total ?? 0}`, formatKm(tt.distance_done_m || 0), '', '', ''], true));
  // Missed blocks, grouped by street: what the office sends someone back to.
  $('missed').replaceChildren(...rows.map((r) => {
    const sec = document.createElement('section');
    sec.className = 'missed';
    sec.dataset.worker = String(r.worker);
    const h = document.createElement('h2');
    h.textContent = `${t('rep.missed')} — ${name(r.worker)}`;
    const byStreet = new Map();
    for (const m of missed(r.worker)) byStreet.set(m.street || '—', (byStreet.get(m.street || '—') || 0) + 1);
    const p = document.createElement(byStreet.size ? 'ul' : 'p');
    if (byStreet.size) {
      p.append(...[...byStreet].map(([street, n]) => {
        const li = document.createElement('li');
        li.textContent = n > 1 ? t('rep.missed.n', { street, n }) : street;
        return li;
      }));
    } else p.textContent = r.blocks_done >= r.blocks_total ? t('rep.missed.none') : '–';
    sec.append(h, p);
    return sec;
  }));
}

async function load() {
  const id = state.planId;
  const [{ json: plan }, { json: progress }, csv] = await Promise.all([
    api(`/api/v1/plans/${id}`, { token: state.token }),
    api(`/api/v1/plans/${id}/progress`, { token: state.token }),
    fetch(`/api/v1/plans/${id}/report.csv`, { headers: { Authorization: 'Bearer ' + state.token } }),
  ]);
  if (!csv.ok) throw new ApiError(csv.status, await csv.json().catch(() => ({})));
  state.csv = await csv.text();
  state.missed = missedOf(csvRecords(state.csv));
  state.workers = await apiAll(`/api/v1/workers?area=${plan.area_id}&limit=1000`, state.token);
  state.plan = plan;
  state.progress = progress;
  render();
  window.gridsweep.ready = true;
}

$('print').addEventListener('click', () => window.print());
$('csv').addEventListener('click', () => {
  if (state.csv) saveBlob(new Blob([state.csv], { type: 'text/csv' }), `plan${state.planId}-report.csv`);
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
