// Writes the embed's iframe snippet and the raw tile URLs from a small form.
import { setupLangSwitch, t } from './common.js';

const $ = (id) => document.getElementById(id);
const fields = ['layer', 'area', 'plan', 'days', 'token'];
const initial = new URL(location.href).searchParams;
for (const f of fields) if (initial.get(f)) $(f).value = initial.get(f);

function escapeAttr(s) {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function render() {
  const layer = $('layer').value;
  const q = new URLSearchParams({ layer });
  const tq = new URLSearchParams();
  for (const f of ['area', 'plan', 'days']) {
    const v = $(f).value.trim();
    if (!v) continue;
    q.set(f, v);
    // The base layers take no filter; only coverage takes plan.
    if ((layer === 'coverage' || layer === 'heat') && (f !== 'plan' || layer === 'coverage')) tq.set(f, v);
  }
  if ($('token').value.trim()) q.set('token', $('token').value.trim());
  const src = location.origin + '/embed?' + q.toString();
  $('snippet').value = `<iframe src="${escapeAttr(src)}" width="600" height="400" style="border:0" title="gridsweep ${escapeAttr(layer)}" loading="lazy"></iframe>`;
  const qs = tq.toString() ? '?' + tq.toString() : '';
  const base = layer === 'heat' ? [location.origin + '/tiles/heat/{z}/{x}/{y}.mvt' + qs, location.origin + '/tiles/heat/{z}/{x}/{y}.png' + qs]
    : [location.origin + '/tiles/' + layer + '/{z}/{x}/{y}.mvt' + qs];
  $('tiles').value = [...base, location.origin + '/tiles/' + layer + '.json' + qs].join('\n');
  if ($('area').value.trim() && $('token').value.trim()) $('preview').src = src;
}

$('form').addEventListener('input', render);
$('form').addEventListener('submit', (e) => e.preventDefault());
$('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('snippet').value);
  } catch {
    $('snippet').select();
    document.execCommand('copy');
  }
  $('copied').textContent = t('snip.copied');
});
setupLangSwitch($('lang'), render);
render();
