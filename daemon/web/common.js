// What both pages share: the language (stored choice, else the browser's, else Russian), the
// API key setting, fetch with the key and the 401/403 banner, and small DOM and time helpers.
// Every piece of data goes into the page as text (textContent), never as markup.
import { MESSAGES } from './i18n.js';

const KEY_STORAGE = 'triaged.apiKey';
const LANG_STORAGE = 'triaged.lang';
export const LANGUAGES = ['ru', 'en'];

function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language]) {
    const base = String(tag || '').slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(base)) return base;
  }
  return null;
}

let lang = LANGUAGES.includes(localStorage.getItem(LANG_STORAGE))
  ? localStorage.getItem(LANG_STORAGE) : (browserLanguage() || 'ru');

export function currentLanguage() { return lang; }

// A message that is an object has plural forms: vars.n picks one (Intl.PluralRules).
export function t(key, vars = {}) {
  let text = MESSAGES[lang][key] ?? MESSAGES.en[key] ?? key;
  if (typeof text === 'object') text = text[new Intl.PluralRules(lang).select(Number(vars.n) || 0)] ?? text.other;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ''));
}

// Fills every [data-i18n] element (and placeholder/aria-label variants) under `root`.
export function translatePage(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  if (document.body.dataset.titleKey) document.title = `${t(document.body.dataset.titleKey)} · triaged`;
}

// The header's language select and API key form; `onLanguage` re-renders the page's own
// parts, `onKey` runs after a key was saved (to retry what a 401 stopped).
export function setUpHeader(onLanguage, onKey) {
  const select = document.getElementById('lang');
  select.value = lang;
  select.addEventListener('change', () => {
    lang = select.value;
    localStorage.setItem(LANG_STORAGE, lang);
    translatePage();
    showKeyStatus();
    onLanguage();
  });
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  input.value = apiKey();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) localStorage.setItem(KEY_STORAGE, key); else localStorage.removeItem(KEY_STORAGE);
    hideBanner();
    showKeyStatus();
    onKey();
  });
  document.getElementById('key-clear').addEventListener('click', () => {
    input.value = '';
    localStorage.removeItem(KEY_STORAGE);
    showKeyStatus();
  });
  translatePage();
  showKeyStatus();
}

function showKeyStatus() {
  document.getElementById('key-status').textContent = t(apiKey() ? 'key.set' : 'key.unset');
}

export function apiKey() { return localStorage.getItem(KEY_STORAGE) || ''; }

export function showBanner(text) {
  const banner = document.getElementById('banner');
  banner.textContent = text;
  banner.hidden = false;
}

export function hideBanner() { document.getElementById('banner').hidden = true; }

// One API call. Never throws: {ok, status, body} with status 0 when the server was not reached.
// 401 and 403 also raise the page banner, since no single field is to blame.
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  const key = apiKey();
  if (key) sent.Authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    showBanner(t('error.network'));
    return { ok: false, status: 0, body: null };
  }
  let data = null;
  try { data = await response.json(); } catch { /* an empty or non-JSON answer */ }
  if (response.status === 401) showBanner(t('error.401'));
  else if (response.status === 403) showBanner(t('error.403'));
  return { ok: response.ok, status: response.status, body: data };
}

// The problem's own words, for answers no field explains.
export function problemText(result) {
  if (result.status === 0) return t('error.network');
  const detail = result.body?.detail || result.body?.title || '';
  return t('error.server', { status: result.status, detail });
}

// el('td', {class: 'x', title: 'y'}, 'text', child...): an element with attributes and children.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// node.replaceChildren without the null/false holes that conditional children leave (which
// replaceChildren itself would print as "null").
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

// "2 h 5 min", "3 d 4 h": coarse on purpose, for a queue at a glance.
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(Math.abs(seconds)));
  const days = Math.floor(s / 86400), hours = Math.floor((s % 86400) / 3600), minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} ${t('unit.d')}${hours ? ` ${hours} ${t('unit.h')}` : ''}`;
  if (hours > 0) return `${hours} ${t('unit.h')}${minutes ? ` ${minutes} ${t('unit.min')}` : ''}`;
  return `${minutes} ${t('unit.min')}`;
}

export function formatTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function statusLabel(status) { return MESSAGES[lang][`status.${status}`] ? t(`status.${status}`) : status; }
export function priorityLabel(priority) { return MESSAGES[lang][`priority.${priority}`] ? t(`priority.${priority}`) : priority; }

// The live rule set's topics, departments, templates and fields, indexed by id.
export async function loadSchema() {
  const result = await api('/api/v1/schema');
  if (!result.ok) {
    if (result.status !== 0 && result.status !== 401 && result.status !== 403) showBanner(problemText(result));
    return null;
  }
  const s = result.body;
  const byId = (list) => new Map(list.map((item) => [item.id, item]));
  return { ...s, topicById: byId(s.topics), departmentById: byId(s.departments),
           templateById: byId(s.templates), fieldById: byId(s.fields) };
}

// Below this confidence the routing (rules or model) could not tell two topics apart well: the
// intake form and the queue board both offer the runner-up, by this one rule.
const UNSURE_BELOW = 0.5;

// The decision's runner-up when the decision was unsure, else null.
export function unsureRunnerUp(decision) {
  return decision && decision.runner_up && decision.confidence < UNSURE_BELOW ? decision.runner_up : null;
}
