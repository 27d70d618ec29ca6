// A worker's sign-in from the console: a one-time code (valid minutes, works once) shown as
// a QR code to scan with the phone and as a link to send. The QR image is drawn by the
// server (POST /api/v1/qr) so the pages load no third-party script.
import { ApiError, api, currentLang, t } from './common.js';

const $ = (id) => document.getElementById(id);
let opener = null;
let imageURL = '';

/** showSignin makes a new code for the worker and opens the dialog with its QR code and link. */
export async function showSignin(state, workerId, name, from) {
  opener = from;
  const { json } = await api(`/api/v1/workers/${workerId}/signin-codes`, { token: state.token, method: 'POST', body: {} });
  const link = new URL(json.url, location.origin).href;
  const res = await fetch('/api/v1/qr', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + state.token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: link }),
  });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  if (imageURL) URL.revokeObjectURL(imageURL);
  imageURL = URL.createObjectURL(await res.blob());
  $('si-title').textContent = t('live.signin.title', { name });
  $('si-qr').src = imageURL;
  $('si-qr').alt = t('live.signin.qr', { name });
  $('si-link').value = link;
  $('si-expires').textContent = t('live.signin.expires', {
    when: new Date(json.expires_at).toLocaleTimeString(currentLang(), { hour: '2-digit', minute: '2-digit' }),
  });
  $('si-copied').textContent = '';
  $('signindlg').showModal();
  $('si-copy').focus();
}

$('si-copy').addEventListener('click', async () => {
  $('si-link').select();
  try {
    await navigator.clipboard.writeText($('si-link').value);
    $('si-copied').textContent = t('live.signin.copied');
  } catch {
    $('si-copied').textContent = t('live.signin.copyhand');
  }
});
$('si-close').addEventListener('click', () => $('signindlg').close());
$('signindlg').addEventListener('close', () => {
  // The code is a credential until used: it does not stay on the screen.
  $('si-link').value = '';
  $('si-qr').removeAttribute('src');
  if (opener?.isConnected) opener.focus();
});
