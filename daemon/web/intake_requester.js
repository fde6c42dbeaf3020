// The intake form knows the customer (issue 8). Once the operator has typed a phone or an email
// that looks complete (after a pause, or on leaving the field), GET /api/v1/requesters looks
// for the customer's profile; when there is one, a compact panel names them and their open
// tickets, and each empty field the profile knows is filled in and marked "from history (REF)"
// until the operator changes it. It never moves the focus and never overwrites what the operator
// typed. It also words the answer of a submit that joined an open ticket of the customer (200,
// `merged`) or was created and linked to one as its repeat (201, `duplicate_of`).
import { api, currentLanguage, el, fill, statusLabel, t } from './common.js';
import { REQUESTER_FIELDS, setHistoryMark } from './intake_fields.js';

const LOOKUP_DELAY_MS = 400;
const SHOWN_OPEN_TICKETS = 3;
const KEYS = ['phone', 'email'];

const $ = (id) => document.getElementById(id);

let intake = null;  // {state, form, topicTitle} from intake.js
const lookup = { query: '', seq: 0, timer: null, profile: null };
const prefilled = new Map();  // field id -> {value, ref}: filled in from history, untouched since
let lastResult = null;  // {ticket, otherRef}: the last submit's answer, kept to re-word it

function looksComplete(id, value) {
  if (id === 'phone') return value.replace(/\D/g, '').length >= 10;
  return /^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(value);
}

// The query for what the operator typed (never what history filled in); '' when nothing looks
// complete. encodeURIComponent, not URLSearchParams: a '+' read back as a space would spoil "+7".
function lookupQuery(values, filledIn = prefilled) {
  return KEYS.map((id) => [id, (values[id] || '').trim()])
    .filter(([id, value]) => value && !filledIn.has(id) && looksComplete(id, value))
    .map(([id, value]) => `${id}=${encodeURIComponent(value)}`).join('&');
}

function scheduleLookup(now) {
  clearTimeout(lookup.timer);
  lookup.timer = now ? null : setTimeout(runLookup, LOOKUP_DELAY_MS);
  if (now) runLookup();
}

async function runLookup() {
  lookup.timer = null;
  const query = lookupQuery(intake.state.values);
  if (query === lookup.query) return;
  lookup.query = query;
  const seq = ++lookup.seq;
  if (!query) return showProfile(null);
  // missing=null: a new caller is a 200 with null, not a 404 the browser would log as an error.
  const result = await api(`/api/v1/requesters?${query}&missing=null`);
  if (seq !== lookup.seq) return;  // the operator typed on; a newer answer is coming
  // null: no such customer yet; 400: not a phone or an address after all. Anything else (no
  // server, no key) is worth asking again on the next blur.
  if (!result.ok && result.status !== 400) lookup.query = '';
  showProfile(result.ok ? result.body : null);
}

function showProfile(profile) {
  const same = profile && lookup.profile && profile.id === lookup.profile.id;
  lookup.profile = profile;
  if (!same) {
    forgetPrefilled();
    if (profile) prefill(profile);
  }
  renderPanel();
}

// Takes back what another customer's history filled in, unless the operator has kept it.
function forgetPrefilled() {
  for (const [id, { value }] of prefilled) {
    if (intake.state.values[id] !== value) continue;
    intake.state.values[id] = '';
    const input = $(`f-${id}`);
    if (input) input.value = '';
    setHistoryMark(intake.form, id, null);
  }
  prefilled.clear();
}

function prefill(profile) {
  const { state, form } = intake;
  for (const [id, known] of Object.entries(profile.known || {})) {
    if (!state.schema.fieldById.has(id) && !REQUESTER_FIELDS.includes(id)) continue;
    if ((state.values[id] || '').trim() || !known.value) continue;
    state.values[id] = known.value;
    prefilled.set(id, { value: known.value, ref: known.from_ref });
    const input = $(`f-${id}`);
    if (!input) continue;  // not on this topic's form; shown with its mark if the topic changes
    input.value = known.value;
    setHistoryMark(form, id, known.from_ref);
    // The operator tabbed into this very field: typing replaces the value rather than adding to it.
    if (document.activeElement === input && typeof input.select === 'function') input.select();
  }
}

function formatDate(iso) {
  return iso ? new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium' }).format(new Date(iso)) : '';
}

function renderPanel() {
  const panel = $('customer');
  const p = lookup.profile;
  panel.hidden = !p;
  if (!p) return panel.replaceChildren();
  const all = p.tickets || [], open = p.open_tickets || [];
  const shown = open.slice(0, SHOWN_OPEN_TICKETS).flatMap((tk, i) => [i ? '; ' : '',
    el('span', { class: 'ref-inline' }, tk.ref), ` ${intake.topicTitle(tk.topic)} (${statusLabel(tk.status)})`]);
  const rest = open.length - SHOWN_OPEN_TICKETS;
  fill(panel,
    el('h2', { id: 'customer-title' }, p.name ? t('customer.title', { name: p.name }) : t('customer.title_unnamed')),
    el('p', { class: 'hint' }, [...(p.phones || []), ...(p.emails || [])].join(' · '),
      all.length ? ` · ${t('customer.summary', { n: all.length, since: formatDate(all.at(-1).created_at) })}` : ''),
    open.length ? el('p', { class: 'open-tickets' }, t('customer.open', { n: open.length }), ' ', shown,
      rest > 0 ? `; ${t('customer.more', { n: rest })}` : '') : el('p', {}, t('customer.no_open')),
    prefilled.size ? el('p', { class: 'hint' }, t('customer.prefilled')) : null);
}

function matchedLabel(matchedBy) {
  if (!matchedBy) return '';
  if (matchedBy === 'topic') return t('match.topic');
  const title = intake.state.schema?.fieldById.get(matchedBy)?.title || matchedBy;
  return title.charAt(0).toLocaleLowerCase(currentLanguage()) + title.slice(1);
}

function renderResult() {
  if (!lastResult) return;
  const { ticket, otherRef } = lastResult;
  const title = $('result-title');
  // Kept in data-i18n so that switching the language words it right.
  title.dataset.i18n = ticket.merged ? 'intake.merged' : 'intake.created';
  title.textContent = t(title.dataset.i18n);
  $('result').dataset.kind = ticket.merged ? 'merged' : ticket.duplicate_of ? 'linked' : 'created';
  const note = $('result-note');
  const matched = matchedLabel(ticket.matched_by);
  note.textContent = ticket.merged ? t('intake.merged_note', { ref: ticket.ref, matched })
    : ticket.duplicate_of ? t('intake.linked_note', { other: otherRef || `#${ticket.duplicate_of}`, matched }) : '';
  note.hidden = !note.textContent;
}

// The answer of POST /api/v1/tickets. A `duplicate_of` is an id: its ref is in the profile the
// form found, or else in the one the new ticket's own phone or email finds now.
export async function describeResult(ticket) {
  const result = lastResult = { ticket, otherRef: null };
  if (ticket.duplicate_of) {
    const find = (profile) => (profile?.tickets || []).find((tk) => tk.id === ticket.duplicate_of)?.ref || null;
    result.otherRef = find(lookup.profile);
    if (!result.otherRef) {
      renderResult();
      const query = lookupQuery({ phone: ticket.requester?.phone, email: ticket.requester?.email }, new Map());
      const answer = query ? await api(`/api/v1/requesters?${query}&missing=null`) : null;
      if (lastResult !== result || !answer?.ok) return;
      result.otherRef = find(answer.body);
    }
  }
  renderResult();
}

// The next call began: the last answer is forgotten, so that no late lookup or language switch
// writes it back.
export function forgetResult() { lastResult = null; }

// For renderFields: the ref a field's value came from, while the operator has not changed it.
export function historyRef(id) { return prefilled.get(id)?.ref || null; }

export function resetRequester() {
  clearTimeout(lookup.timer);
  Object.assign(lookup, { query: '', seq: lookup.seq + 1, timer: null, profile: null });
  prefilled.clear();
  renderPanel();
}

export function renderRequester() {
  renderPanel();
  renderResult();
}

export function setUpRequester(parts) {
  intake = parts;
  const onEdit = (e) => {
    const id = e.target.name;
    if (!e.target.closest('[data-field]')) return;
    const kept = prefilled.get(id);
    if (kept && e.target.value !== kept.value) { prefilled.delete(id); setHistoryMark(intake.form, id, null); }
    if (KEYS.includes(id)) scheduleLookup(false);
  };
  parts.form.addEventListener('input', onEdit);
  parts.form.addEventListener('change', onEdit);
  parts.form.addEventListener('focusout', (e) => {
    if (KEYS.includes(e.target.name) && e.target.closest('[data-field]')) scheduleLookup(true);
  });
}
