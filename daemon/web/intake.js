// The intake form: an operator describes the call, the rules suggest a topic (debounced
// POST /api/v1/classify), the topic's template decides the fields, and Ctrl+Enter files the
// ticket (POST /api/v1/tickets) and clears the form for the next call. The customer's profile
// and what it fills in are intake_requester.js's.
import { api, el, fill, formatDuration, formatTime, hideBanner, loadSchema, priorityLabel, problemText, setUpHeader, showBanner, t, unsureRunnerUp } from './common.js';
import { fieldRow, markField, REQUESTER_FIELDS, setFieldError, valueProblem } from './intake_fields.js';
import { placeError } from './intake_problems.js';
import { renderAnswers, setUpAnswers } from './intake_answers.js';
import { describeResult, forgetResult, historyRef, renderRequester, resetRequester, setUpRequester } from './intake_requester.js';

const CLASSIFY_DELAY_MS = 350;

const $ = (id) => document.getElementById(id);
const form = $('ticket-form');
const description = $('description');
const topicSearch = $('topic-search');
const topicList = $('topic');

const state = {
  schema: null,
  topic: '',             // the chosen topic's id (the list may be filtered so as not to show it)
  suggestion: null,      // the rules' decision for the current text (classify without a topic)
  decision: null,        // classify for the chosen topic: which fields the text already gives
  pinned: false,         // the operator chose the topic; suggestions no longer move it
  values: {},            // field id -> what the operator typed, kept across topic switches
  classifySeq: 0,
  classifyTimer: null,
  pendingClassify: null,
  busy: false,
  idempotency: { body: null, key: null },
};

function topic() { return state.schema?.topicById.get(state.topic) || null; }
function fieldTitle(id) { return id === 'name' ? t('intake.name') : state.schema?.fieldById.get(id)?.title || id; }
function departmentTitle(id) { return state.schema?.departmentById.get(id)?.title || id; }

// --- Topic suggestion ------------------------------------------------------------------

function scheduleClassify() {
  clearTimeout(state.classifyTimer);
  state.classifyTimer = setTimeout(() => { state.classifyTimer = null; state.pendingClassify = classify(); }, CLASSIFY_DELAY_MS);
}

async function classify() {
  const seq = ++state.classifySeq;
  const text = description.value;
  if (!text.trim()) {
    state.suggestion = state.decision = null;
    renderSuggestion();
    return;
  }
  $('suggestion').dataset.state = 'waiting';
  const ticket = { body: text, channel: 'phone' };
  const asked = [api('/api/v1/classify', { method: 'POST', body: ticket })];
  if (state.pinned && state.topic) asked.push(api('/api/v1/classify', { method: 'POST', body: { ...ticket, topic: state.topic } }));
  const [rules, chosen] = await Promise.all(asked);
  if (seq !== state.classifySeq) return;  // the operator typed on; a newer answer is coming
  state.suggestion = rules.ok ? rules.body : null;
  state.decision = chosen ? (chosen.ok ? chosen.body : null) : state.suggestion;
  if (state.suggestion && !state.pinned && state.topic !== state.suggestion.topic) {
    state.topic = topicList.value = state.suggestion.topic;
    renderTopicInfo();
  }
  renderSuggestion();
  renderFields();
}

// The words that decided the suggestion: what the held conditions of the chosen topic matched.
function decidingWords(decision) {
  const words = new Set();
  for (const tried of decision.trace || []) {
    if (tried.topic !== decision.topic || !tried.matched) continue;
    for (const c of tried.conditions) if (c.matched) for (const m of c.matches) words.add(m.text);
  }
  return [...words];
}

function renderSuggestion() {
  const box = $('suggestion');
  box.dataset.state = state.suggestion ? 'ready' : 'none';
  const s = state.suggestion;
  if (!s) {
    box.replaceChildren(el('p', {}, t('intake.suggestion_none')));
  } else {
    const words = decidingWords(s);
    const title = state.schema?.topicById.get(s.topic)?.title || s.topic_title || s.topic;
    const modelWords = (s.model?.words || []).map((w) => w.feature.replace(/^~?w:/, ''));
    let why;
    if (s.source === 'model') why = el('p', {}, t('intake.decided_by_model'), ' ', modelWords.map((w) => el('mark', { class: 'word' }, w)));
    else if (s.source === 'default' || words.length === 0) why = el('p', {}, t('intake.decided_default'));
    else why = el('p', {}, t('intake.decided_by'), ' ', words.map((w) => el('mark', { class: 'word' }, w)));
    box.replaceChildren(
      el('p', { class: 'suggested' }, t('intake.suggested', { topic: title, department: departmentTitle(s.department) })), why);
  }
  $('use-suggestion').hidden = !(s && state.pinned && state.topic !== s.topic);
  renderUnsure();
  renderAnswers(state.decision);
}

// An unsure suggestion (unsureRunnerUp, the queue board's rule too) asks the operator, and
// Alt+R takes the runner-up.
function renderUnsure() {
  const button = $('use-runner-up');
  const runnerUp = state.pinned ? null : unsureRunnerUp(state.suggestion);
  button.hidden = !runnerUp;
  if (!runnerUp) return;
  const title = state.schema?.topicById.get(runnerUp)?.title || runnerUp;
  button.textContent = t('intake.unsure_or', { topic: title });
  button.dataset.topic = runnerUp;
}

// --- Topic picker ----------------------------------------------------------------------

// The topics under their departments (an optgroup each, in the order the rules first name them):
// a line is the topic's title alone, so that long titles fit rather than being cut off.
function renderTopicOptions() {
  const query = topicSearch.value.trim().toLowerCase();
  const groups = new Map();
  for (const tp of state.schema.topics) {
    const department = departmentTitle(tp.department);
    if (query && !tp.title.toLowerCase().includes(query) && !tp.id.includes(query) && !department.toLowerCase().includes(query)) continue;
    if (!groups.has(tp.department)) groups.set(tp.department, el('optgroup', { label: department }));
    groups.get(tp.department).append(el('option', { value: tp.id, title: tp.title }, tp.title));
  }
  topicList.replaceChildren(...groups.values());
  topicList.value = state.topic;
}

function chooseTopic(id, pinned) {
  state.topic = topicList.value = id;
  setTopicError(null);
  state.pinned = pinned && !(state.suggestion && state.suggestion.topic === id);
  state.decision = state.pinned ? null : state.suggestion;
  renderTopicInfo();
  renderSuggestion();
  renderFields();
  if (state.pinned && description.value.trim()) scheduleClassify();
}

function renderTopicInfo() {
  const tp = topic();
  const info = $('topic-info');
  if (!tp) return info.replaceChildren();
  const sla = tp.sla_seconds > 0 ? formatDuration(tp.sla_seconds) : t('intake.no_sla');
  fill(info, el('span', {}, t('intake.topic_info', { department: departmentTitle(tp.department),
    priority: priorityLabel(tp.priority), sla })), state.pinned ? el('span', { class: 'tag' }, t('intake.topic_manual')) : null);
}

// --- Fields ----------------------------------------------------------------------------

// [{field, required: true | false | 'group'}] and groups, in the order the form shows them.
function layout(tp) {
  const tpl = state.schema.templateById.get(tp.template) || { required: [], optional: [], at_least_one_of: [] };
  const seen = new Set();
  const take = (id) => { if (seen.has(id)) return null; seen.add(id); return state.schema.fieldById.get(id) || { id, type: 'string' }; };
  const required = tpl.required.map(take).filter(Boolean);
  const groups = tpl.at_least_one_of.map((g) => g.map(take).filter(Boolean)).filter((g) => g.length);
  const optional = tpl.optional.map(take).filter(Boolean);
  const name = take('name');
  if (name) optional.push({ ...name, title: t('intake.name') });
  return { required, groups, optional };
}

function extractedValue(id) {
  const d = state.decision;
  if (!d || d.topic !== state.topic) return null;
  const f = d.fields?.[id];
  return f && f.source === 'extracted' ? f.value : null;
}

function renderFields() {
  const box = $('fields-body');
  const tp = topic();
  if (!tp || !state.schema) return box.replaceChildren(el('p', { class: 'hint' }, t('intake.fields_empty')));
  const { required, groups, optional } = layout(tp);
  const row = (field, req, groupError) => fieldRow(field, { required: req, value: state.values[field.id],
    extracted: extractedValue(field.id), history: historyRef(field.id), groupError });
  box.replaceChildren(
    ...required.map((f) => row(f, true)),
    ...groups.map((g, i) => el('fieldset', { class: 'group', 'data-group': g.map((f) => f.id).join('|') },
      el('legend', {}, `${t('intake.group')} *`), el('p', { class: 'error', id: `group-${i}-error`, hidden: true }),
      g.map((f) => row(f, 'group', `group-${i}-error`)))),
    ...optional.map((f) => row(f, false)));
}

function shownFieldIds() { return [...form.querySelectorAll('[data-field]')].map((r) => r.dataset.field); }

function clearErrors() {
  for (const id of shownFieldIds()) setFieldError(form, id, null);
  for (const g of form.querySelectorAll('fieldset.group .error')) g.hidden = true;
  setDescriptionError(null);
  setTopicError(null);
  $('form-errors').hidden = true;
}

function setTopicError(message) {
  $('topic-error').textContent = message || '';
  $('topic-error').hidden = !message;
  if (message) topicList.setAttribute('aria-invalid', 'true'); else topicList.removeAttribute('aria-invalid');
}

function setDescriptionError(message) {
  $('description-error').textContent = message || '';
  $('description-error').hidden = !message;
  if (message) description.setAttribute('aria-invalid', 'true'); else description.removeAttribute('aria-invalid');
}

// The group says it once, in its legend's error; its inputs are only marked.
function setGroupError(ids, message) {
  const group = form.querySelector(`fieldset.group[data-group="${CSS.escape(ids.join('|'))}"]`);
  for (const id of ids) markField(form, id);
  if (group) { const e = group.querySelector('.error'); e.textContent = message; e.hidden = false; }
}

// Client-side checks, the server's rules: true when the form may be sent.
function validate() {
  clearErrors();
  let ok = true;
  if (!description.value.trim()) { setDescriptionError(t('error.description')); ok = false; }
  const tp = topic();
  if (!tp) { if (ok) setTopicError(t('error.topic')); return false; }
  const { required, groups, optional } = layout(tp);
  const has = (f) => (state.values[f.id] || '').trim() !== '' || extractedValue(f.id) !== null;
  for (const f of [...required, ...groups.flat(), ...optional]) {
    const value = (state.values[f.id] || '').trim();
    const problem = value ? valueProblem(f, value) : null;
    if (problem) { setFieldError(form, f.id, problem); ok = false; }
  }
  for (const f of required) if (!has(f)) { setFieldError(form, f.id, t('error.required')); ok = false; }
  for (const g of groups) {
    if (!g.some(has)) { setGroupError(g.map((f) => f.id), t('error.one_of', { fields: g.map((f) => fieldTitle(f.id)).join(', ') })); ok = false; }
  }
  return ok;
}

function focusFirstError() {
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

// --- Submit ----------------------------------------------------------------------------

function ticketBody() {
  const body = { body: description.value, channel: 'phone' };
  if (state.pinned) body.topic = state.topic;
  const requester = {}, fields = {};
  for (const id of shownFieldIds()) {
    const value = (state.values[id] || '').trim();
    if (!value) continue;
    if (REQUESTER_FIELDS.includes(id)) requester[id] = value; else fields[id] = value;
  }
  if (Object.keys(requester).length) body.requester = requester;
  if (Object.keys(fields).length) body.fields = fields;
  return body;
}

// A retry of the same body keeps its Idempotency-Key, so a lost answer never files a ticket twice.
function idempotencyKey(body) {
  const text = JSON.stringify(body);
  if (state.idempotency.body !== text) state.idempotency = { body: text, key: crypto.randomUUID() };
  return state.idempotency.key;
}

// The server's 422 on the inputs it is about, in the page's words (intake_problems.js); each
// message once. What no shown input explains is listed under the summary, named by its title.
function showServerErrors(problem) {
  clearErrors();
  const shown = new Set(shownFieldIds());
  const loose = new Set();
  let mapped = false;
  for (const e of problem.errors || []) {
    const { where, ids, text } = placeError(e, { schema: state.schema, values: state.values, title: fieldTitle });
    if (where === 'description') setDescriptionError(text);
    else if (where === 'topic') setTopicError(text);
    else if (where === 'group' && ids.every((id) => shown.has(id))) setGroupError(ids, text);
    else if (where === 'field' && shown.has(ids[0])) setFieldError(form, ids[0], text);
    else { loose.add(where === 'group' ? text : `${fieldTitle(ids[0])}: ${text}`); continue; }
    mapped = true;
  }
  const box = $('form-errors');
  fill(box, el('p', {}, t('error.form')),
    loose.size ? [mapped ? el('p', {}, t('error.form_other')) : null, el('ul', {}, [...loose].map((l) => el('li', {}, l)))] : null);
  box.hidden = false;
  if (mapped) focusFirstError(); else box.focus();
}

async function submit() {
  if (state.busy) return;
  endPreviousCall();
  // The fields shown must be those of the topic the server will decide on this very text.
  if (state.classifyTimer) { clearTimeout(state.classifyTimer); state.classifyTimer = null; state.pendingClassify = classify(); }
  if (state.pendingClassify) await state.pendingClassify;
  if (!validate()) {
    $('form-errors').replaceChildren(el('p', {}, t('error.form')));
    $('form-errors').hidden = false;
    return focusFirstError();
  }
  state.busy = true;
  $('submit').disabled = true;
  $('submit').textContent = t('intake.submitting');
  const body = ticketBody();
  const result = await api('/api/v1/tickets', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey(body) } });
  state.busy = false;
  $('submit').disabled = false;
  $('submit').textContent = t('intake.submit');
  if (result.ok) return showCreated(result.body);
  if (result.status === 422 && result.body) return showServerErrors(result.body);
  if (result.status !== 401 && result.status !== 403) showBanner(problemText(result));
}

function showCreated(ticket) {
  const box = $('result');
  const tp = state.schema.topicById.get(ticket.topic);
  $('result-ref').textContent = ticket.ref;
  $('result-topic').textContent = tp?.title || ticket.topic;
  $('result-department').textContent = departmentTitle(ticket.department);
  $('result-due').textContent = ticket.due_at ? formatTime(ticket.due_at) : t('intake.no_sla');
  describeResult(ticket);
  box.hidden = false;
  resetForm();
}

// The last call's answer (its reference in large type) stays only until the next call starts:
// the first keystroke or a submit takes it away, so that it is never read to the next caller
// and never stands beside this call's "not created".
function endPreviousCall() {
  if ($('result').hidden) return;
  $('result').hidden = true;
  forgetResult();
}

function resetForm() {
  // Leave the field first: its change event, fired as it goes, must not carry this call's value
  // into the next one's state.
  description.focus();
  clearErrors();
  description.value = '';
  topicSearch.value = '';
  state.values = {};
  state.topic = '';
  state.suggestion = state.decision = null;
  state.pinned = false;
  state.classifySeq++;
  resetRequester();
  renderTopicOptions();
  topicList.scrollTop = 0;
  renderTopicInfo();
  renderSuggestion();
  renderFields();
}

// --- Wiring ----------------------------------------------------------------------------

function wire() {
  form.addEventListener('input', endPreviousCall);
  description.addEventListener('input', scheduleClassify);
  topicSearch.addEventListener('input', renderTopicOptions);
  topicSearch.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); topicList.focus(); if (!topicList.value && topicList.options.length) chooseTopic(topicList.options[0].value, true); }
    // Enter takes the first topic the search shows.
    if (e.key === 'Enter' && !e.ctrlKey && topicList.options.length) { e.preventDefault(); chooseTopic(topicList.options[0].value, true); }
    if (e.key === 'Escape') { topicSearch.value = ''; renderTopicOptions(); }
  });
  topicList.addEventListener('change', () => chooseTopic(topicList.value, true));
  $('use-suggestion').addEventListener('click', () => chooseTopic(state.suggestion.topic, false));
  $('use-runner-up').addEventListener('click', (e) => chooseTopic(e.currentTarget.dataset.topic, true));
  document.addEventListener('keydown', (e) => {
    if (e.altKey && (e.key === 'r' || e.key === 'R' || e.code === 'KeyR') && !$('use-runner-up').hidden) {
      e.preventDefault();
      $('use-runner-up').click();
    }
  });
  form.addEventListener('input', (e) => { if (e.target.closest('[data-field]')) state.values[e.target.name] = e.target.value; });
  form.addEventListener('change', (e) => { if (e.target.closest('[data-field]')) state.values[e.target.name] = e.target.value; });
  // Enter in a one-line field must not file a half-taken call; Ctrl+Enter anywhere does.
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && e.target.tagName === 'INPUT') e.preventDefault();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
}

function rerender() {
  if (!state.schema) return;
  renderTopicOptions();
  renderTopicInfo();
  renderSuggestion();
  renderFields();
  renderRequester();
}

// Loads the rule set's schema; without it (no server, or a key is needed) the form waits for
// the operator to fix that and save a key, which calls this again.
async function load() {
  if (state.schema) return rerender();
  state.schema = await loadSchema();
  if (!state.schema) return;
  hideBanner();
  renderTopicOptions();
  renderSuggestion();
  renderFields();
  description.focus();
  document.body.dataset.ready = 'true';
}

setUpHeader(rerender, load);
wire();
setUpRequester({ state, form, topicTitle: (id) => state.schema?.topicById.get(id)?.title || id });
setUpAnswers(resetForm);
load();
