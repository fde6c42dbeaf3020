// The rating widget of the status page (docs/customer.md, "Satisfaction"): good or bad, an
// optional comment, changeable until the window closes. A module of its own beside status.js:
// it watches the page for the ticket status.js shows (#ref) and its language (<html lang>), and
// reads the token from the fragment as status.js does. A link from the survey mail,
// /status?rate=good#TOKEN, opens the page with that choice made: the page records it with a
// POST, so a mail scanner fetching the link without running the page records nothing (the
// token is in the fragment, which is never sent). Every server text goes in as textContent.
import { STATUS_MESSAGES } from './status_i18n.js';

const $ = (id) => document.getElementById(id);
const CHOICES = ['good', 'bad'];
let token = '';
let loadedFor = '';
let state = null;
let preselected = CHOICES.includes(new URLSearchParams(location.search).get('rate'))
  ? new URLSearchParams(location.search).get('rate') : null;

function language() { return document.documentElement.lang === 'ru' ? 'ru' : 'en'; }
function t(key, vars = {}) {
  const text = STATUS_MESSAGES[language()][key] ?? STATUS_MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

function formatTime(iso) {
  const locale = language() === 'ru' ? 'ru-RU' : 'en-GB';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

async function call(path, body) {
  const options = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  try {
    const response = await fetch(path, { ...options, cache: 'no-store' });
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    return { ok: response.ok, status: response.status, body: data };
  } catch {
    return { ok: false, status: 0, body: null };
  }
}

function render() {
  const section = $('rating');
  section.hidden = !state || !state.asked;
  if (section.hidden) return;
  for (const choice of CHOICES) {
    const button = $(`rate-${choice}`);
    button.setAttribute('aria-pressed', String(state.rating === choice));
    button.disabled = !state.open;
  }
  $('rating-form').hidden = !state.open;
  const comment = $('rating-comment');
  if (document.activeElement !== comment) comment.value = state.comment ?? '';
  let note;
  if (state.open) {
    note = state.rating ? t('rating.thanks', { until: formatTime(state.closes_at) })
      : t('rating.ask', { until: formatTime(state.closes_at) });
  } else {
    note = state.rating ? t('rating.closed_rated', { rating: t(`rating.${state.rating}`) }) : t('rating.closed');
  }
  $('rating-note').textContent = note;
}

async function send(rating) {
  const error = $('rating-error');
  error.textContent = '';
  if (!rating) { error.textContent = t('rating.choose_first'); return; }
  const result = await call('/api/v1/status/rating', { token, rating, comment: $('rating-comment').value });
  if (result.ok) {
    state = result.body;
  } else if (result.status === 409 && result.body?.errors?.[0]?.code === 'closed') {
    state = { ...state, open: false };
  } else {
    error.textContent = result.status === 0 ? t('error.network') : t('error.generic', { detail: result.body?.detail ?? result.status });
  }
  render();
}

async function load() {
  const result = await call(`/api/v1/status/rating?token=${encodeURIComponent(token)}`);
  state = result.ok ? result.body : null;
  render();
  // The survey link's choice, once: recorded, then dropped from the address so a reload or a
  // bookmark does not record it again over a later change.
  if (state?.open && preselected) {
    const choice = preselected;
    preselected = null;
    const params = new URLSearchParams(location.search);
    params.delete('rate');
    const query = params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    if (state.rating !== choice) await send(choice);
  }
}

function ticketShown() {
  const ref = $('ref').textContent;
  token = decodeURIComponent(location.hash.slice(1));
  if (!ref || !token || loadedFor === `${ref}#${token}`) return;
  loadedFor = `${ref}#${token}`;
  load();
}

function start() {
  for (const choice of CHOICES) $(`rate-${choice}`).addEventListener('click', () => send(choice));
  $('rating-form').addEventListener('submit', (event) => {
    event.preventDefault();
    send(state?.rating);
  });
  new MutationObserver(ticketShown).observe($('ref'), { childList: true, characterData: true, subtree: true });
  new MutationObserver(render).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  ticketShown();
}

start();
