// The customer's status page: opened from the signed link in our mail (/status#TOKEN) or by
// reference plus contact. Every text from the server goes in through textContent, never as
// markup. The token stays in the fragment, which browsers never send to a server.
import { STATUS_MESSAGES } from './status_i18n.js';

const LANGS = ['ru', 'en'];
const LANG_STORAGE = 'triaged.status.lang';
let lang = null;          // chosen on the page or in ?lang=; null: the ticket's, else the browser's
let ticketLang = null;
let token = '';
let current = null;       // the last status answer

function chosenLanguage() {
  const fromQuery = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(fromQuery)) return fromQuery;
  const saved = localStorage.getItem(LANG_STORAGE);
  return LANGS.includes(saved) ? saved : null;
}

function activeLanguage() {
  if (lang) return lang;
  if (ticketLang) return ticketLang;
  return (navigator.language || '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

function t(key, vars = {}) {
  const text = STATUS_MESSAGES[activeLanguage()][key] ?? STATUS_MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function translate() {
  const language = activeLanguage();
  document.documentElement.lang = language;
  document.getElementById('lang').value = language;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.title = t('title');
  if (current) render(current);
}

function showProblem(text) {
  const p = document.getElementById('problem');
  p.textContent = text;
  p.hidden = !text;
}

async function call(path, body) {
  const options = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, { ...options, cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, body: null };
  }
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return { ok: response.ok, status: response.status, body: data, retryAfter: response.headers.get('Retry-After') };
}

function formatTime(iso) {
  const locale = activeLanguage() === 'ru' ? 'ru-RU' : 'en-GB';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

function render(status) {
  current = status;
  ticketLang = LANGS.includes(status.language) ? status.language : null;
  document.getElementById('lookup').hidden = true;
  document.getElementById('ticket').hidden = false;
  document.getElementById('thread-section').hidden = false;
  document.getElementById('ref').textContent = status.ref;
  const words = STATUS_MESSAGES[activeLanguage()][`status.${status.status}`];
  const statusNode = document.getElementById('status');
  statusNode.textContent = words ?? status.status;
  statusNode.dataset.status = status.status;
  document.getElementById('topic').textContent = status.topic;
  document.getElementById('department').textContent = status.department;
  document.getElementById('due').textContent = status.due_at ? formatTime(status.due_at) : t('ticket.no_due');

  const thread = document.getElementById('thread');
  thread.replaceChildren(...status.messages.map((m) => el('li', { class: m.from },
    el('p', { class: 'meta', text: `${t(m.from === 'you' ? 'thread.you' : 'thread.support')} · ${formatTime(m.at)}` }),
    el('p', { class: 'text', text: m.text }))));
  if (status.messages.length === 0) thread.replaceChildren(el('li', { class: 'support', text: t('thread.empty') }));

  const missing = document.getElementById('missing');
  missing.hidden = status.missing.length === 0;
  const fields = document.getElementById('missing-fields');
  const keep = Object.fromEntries([...fields.querySelectorAll('[name]')].map((i) => [i.name, i.value]));
  fields.replaceChildren(...status.missing.map((f) => fieldInput(f, keep[f.field] ?? '')));
}

function fieldInput(f, value) {
  const id = `field-${f.field}`;
  let input;
  if (f.values.length > 0) {
    input = el('select', { id, name: f.field }, el('option', { value: '', text: '' }),
      ...f.values.map((v) => el('option', { value: v, text: v })));
  } else {
    const type = { email: 'email', phone: 'tel', integer: 'number', decimal: 'text', date: 'date' }[f.type] ?? 'text';
    input = el('input', { id, name: f.field, type, autocomplete: f.type === 'email' ? 'email' : f.type === 'phone' ? 'tel' : 'off' });
  }
  input.value = value;
  const wrap = el('div', { class: 'field' }, el('label', { for: id, text: f.title }), input);
  if (f.message) wrap.append(el('p', { class: 'hint', text: f.message }));
  wrap.append(el('p', { class: 'error', id: `${id}-error`, role: 'alert' }));
  return wrap;
}

function refused(result) {
  const expired = result.body?.errors?.some((e) => e.code === 'expired');
  showProblem(t(expired ? 'token.expired' : 'token.invalid'));
  token = '';
  history.replaceState(null, '', location.pathname + location.search);
  document.getElementById('lookup').hidden = false;
  document.getElementById('ticket').hidden = true;
  document.getElementById('missing').hidden = true;
  document.getElementById('thread-section').hidden = true;
}

function failureText(result) {
  if (result.status === 0) return t('error.network');
  return t('error.generic', { detail: result.body?.detail ?? result.status });
}

async function load() {
  const result = await call(`/api/v1/status?token=${encodeURIComponent(token)}`);
  if (result.status === 403) return refused(result);
  if (!result.ok) return showProblem(failureText(result));
  showProblem('');
  render(result.body);
  translate();
}

async function lookup(event) {
  event.preventDefault();
  const error = document.getElementById('lookup-error');
  const ref = document.getElementById('lookup-ref').value.trim();
  const contact = document.getElementById('lookup-contact').value.trim();
  if (!ref || !contact) { error.textContent = t('lookup.required'); return; }
  const result = await call('/api/v1/status/lookup', { ref, contact });
  if (result.status === 404) { error.textContent = t('lookup.not_found'); return; }
  if (result.status === 429) { error.textContent = t('lookup.too_many', { seconds: result.retryAfter ?? 60 }); return; }
  if (!result.ok) { error.textContent = failureText(result); return; }
  error.textContent = '';
  token = result.body.token;
  history.replaceState(null, '', `${location.pathname}${location.search}#${token}`);
  showProblem('');
  render(result.body);
  translate();
}

async function sendFields(event) {
  event.preventDefault();
  const error = document.getElementById('missing-error');
  const inputs = [...document.querySelectorAll('#missing-fields [name]')];
  const fields = {};
  for (const input of inputs) {
    document.getElementById(`${input.id}-error`).textContent = '';
    input.removeAttribute('aria-invalid');
    if (input.value.trim()) fields[input.name] = input.value.trim();
  }
  const result = await call('/api/v1/status/fields', { token, fields });
  if (result.status === 403) return refused(result);
  if (!result.ok) {
    // The server's reasons are written for integrators ("does not match the pattern ..."); the
    // customer reads, under the field its label names, what is wrong in their language.
    error.textContent = result.status === 422 ? t('missing.check') : failureText(result);
    for (const e of result.body?.errors ?? []) {
      for (const name of e.field.split('|')) {
        const input = document.getElementById(`field-${name}`);
        if (!input) continue;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', `field-${name}-error`);
        document.getElementById(`field-${name}-error`).textContent =
          e.code === 'missing' ? t('missing.required') : t('missing.invalid', { value: input.value.trim() });
      }
    }
    return;
  }
  error.textContent = '';
  render(result.body);
  document.getElementById('message-sent').textContent = t('missing.sent');
}

async function sendMessage(event) {
  event.preventDefault();
  const box = document.getElementById('message-text');
  const error = document.getElementById('message-error');
  const sent = document.getElementById('message-sent');
  sent.textContent = '';
  if (!box.value.trim()) { error.textContent = t('message.required'); return; }
  const result = await call('/api/v1/status/messages', { token, text: box.value });
  if (result.status === 403) return refused(result);
  if (!result.ok) { error.textContent = failureText(result); return; }
  error.textContent = '';
  box.value = '';
  render(result.body);
  sent.textContent = t('message.sent');
}

function start() {
  lang = chosenLanguage();
  document.getElementById('lang').addEventListener('change', (event) => {
    lang = event.target.value;
    localStorage.setItem(LANG_STORAGE, lang);
    translate();
  });
  document.getElementById('lookup-form').addEventListener('submit', lookup);
  document.getElementById('missing-form').addEventListener('submit', sendFields);
  document.getElementById('message-form').addEventListener('submit', sendMessage);
  token = decodeURIComponent(location.hash.slice(1));
  translate();
  if (token) load();
  else document.getElementById('lookup').hidden = false;
}

start();
