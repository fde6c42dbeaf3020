// The ticket view of the queue board: text, requester (and their other open tickets), links,
// fields, messages, why the ticket is here (its decision and trace), its history, the reply
// and internal notes (queues_reply.js), and the actions claim, status, reroute and link (the
// last with queues_links.js).
import { api, apiKey, el, formatTime, problemText, showBanner, statusLabel, t, unsureRunnerUp } from './common.js';
import { agentName, departmentTitle, focusRow, notice, refresh, schema, topicTitle } from './queues.js';
import { linkEventText, linkForm, linksList, requesterDetails } from './queues_links.js';
import { notesSection, replyForm } from './queues_reply.js';

const STAFF_STATUSES = ['new', 'in_progress', 'waiting', 'resolved', 'closed'];
const $ = (id) => document.getElementById(id);
const dialog = $('ticket-dialog');
let opener = null;  // the button that opened the dialog gets the focus back
let openerRef = null;  // the ticket of the row it was on

function section(title, ...content) { return el('section', {}, el('h3', {}, title), ...content); }

function whyHere(ticket) {
  const d = ticket.decision;
  if (!d) return [];
  const key = { rules: 'queues.why_rules', model: 'queues.why_model', operator: 'queues.why_operator', default: 'queues.why_default' }[d.source];
  const matched = [];
  for (const tried of d.trace || []) {
    if (tried.topic !== d.topic) continue;
    for (const c of tried.conditions) {
      if (!c.matched) continue;
      const words = c.matches.map((m) => `«${m.text}» (${m.field})`).join(', ');
      matched.push(el('li', {}, el('code', {}, c.condition), words ? ` — ${words}` : ''));
    }
  }
  return [el('p', {}, t(key || 'queues.why_rules', { topic: topicTitle(d.topic) })),
          matched.length ? el('ul', { class: 'trace' }, matched) : null,
          ticket.topic !== d.topic || ticket.department !== d.department ? el('p', {}, t('queues.why_moved')) : null,
          el('p', { class: 'hint' }, t('queues.why_rules_version', { version: ticket.rules_version }))];
}

function eventText(e) {
  const d = e.data || {};
  const vars = { ...d, topic: topicTitle(d.topic), department: departmentTitle(d.department), status: statusLabel(d.status),
                 from: statusLabel(d.from), to: statusLabel(d.to),
                 from_topic: topicTitle(d.from_topic), to_topic: topicTitle(d.to_topic),
                 from_department: departmentTitle(d.from_department), to_department: departmentTitle(d.to_department) };
  if (e.kind === 'created') return t('event.created', vars);
  if (e.kind === 'claimed') return t(d.previous_assignee ? 'event.claimed_from' : 'event.claimed', { ...vars, previous: d.previous_assignee });
  if (e.kind === 'status_changed') return t('event.status_changed', vars);
  if (e.kind === 'rerouted') return t('event.rerouted', vars);
  if (e.kind === 'staff_reply' || e.kind === 'note_added') return t(`event.${e.kind}`, vars);
  // The customer's comment is their text: it reaches the page only as a text node (el()).
  if (e.kind === 'satisfaction_asked') return t(d.mailed ? 'event.satisfaction_asked_mailed' : 'event.satisfaction_asked', vars);
  if (e.kind === 'satisfaction_rated') {
    return t(d.comment ? 'event.satisfaction_rated_comment' : 'event.satisfaction_rated',
      { ...vars, rating: t(`csat.${d.rating === 'good' ? 'good' : 'bad'}`) });
  }
  return linkEventText(e) ?? `${e.kind} ${JSON.stringify(d)}`;
}

// A claim's automatic status change carries "claimed" as its reason: no news to a reader.
function hasReason(e) { return Boolean(e.data?.reason) && !(e.kind === 'status_changed' && e.data.reason === 'claimed'); }

function history(ticket) {
  return el('ol', { class: 'history' }, (ticket.events || []).map((e) => el('li', {},
    el('time', { datetime: e.at }, formatTime(e.at)), ' ', eventText(e),
    e.data?.actor ? el('span', { class: 'hint' }, ` — ${e.data.actor}`) : null,
    hasReason(e) ? el('div', { class: 'reason' }, t('event.reason', { reason: e.data.reason })) : null)));
}

function messages(ticket) {
  if (!ticket.messages?.length) return el('p', { class: 'hint' }, t('queues.no_messages'));
  return el('ol', { class: 'messages' }, ticket.messages.map((m) => el('li', { class: `message ${m.direction}` },
    el('p', { class: 'hint' }, `${formatTime(m.at)} · ${m.direction === 'in' ? '←' : '→'} ${m.from?.address || m.from?.name || ''}`
      + `${m.direction === 'out' && m.to ? ` → ${m.to}` : ''} · ${m.subject || ''}`),
    el('pre', {}, ourMailText(m)), ...mailFiles(m))));
}

// Our mail is stored as queued: the status link is signed per sending, so the stored text
// keeps its placeholder. Staff read what the customer got in its place.
function ourMailText(m) {
  return m.direction === 'out' ? m.text.replaceAll('{status_link}', t('queues.status_link')) : m.text;
}

function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} ${t('unit.b')}`;
  if (n < 1024 * 1024) return `${Math.ceil(n / 1024)} ${t('unit.kb')}`;
  return `${(n / 1024 / 1024).toFixed(1)} ${t('unit.mb')}`;
}

// A link to one of the server's forced downloads. A link cannot carry the API key: with a key
// set, the file is fetched with it and handed to the browser as a download.
function fileLink(url, filename, text) {
  return el('a', { href: url, download: filename, class: 'file', onclick: (e) => downloadWithKey(e, url, filename) }, text);
}

async function downloadWithKey(event, url, filename) {
  if (!apiKey()) return;
  event.preventDefault();
  let response;
  try { response = await fetch(url, { headers: { Authorization: `Bearer ${apiKey()}` } }); } catch { return notice(t('error.network')); }
  if (!response.ok) return notice(t('error.server', { status: response.status, detail: response.statusText }));
  const blob = URL.createObjectURL(await response.blob());
  el('a', { href: blob, download: filename }).click();
  setTimeout(() => URL.revokeObjectURL(blob), 60000);
}

// A mail's attachments (a dropped one named, with why) and its raw message as it arrived.
function mailFiles(m) {
  const files = (m.attachments || []).map((a) => el('li', { 'data-attachment': a.id },
    a.dropped ? [el('span', {}, a.filename || t('queues.attachment_unnamed')),
      ` · ${formatSize(a.size)} · ${t('queues.attachment_dropped', { reason: a.drop_reason || '' })}`]
      : [fileLink(a.url, a.filename || `attachment-${a.id}`, a.filename || t('queues.attachment_unnamed')),
        ` · ${a.content_type || ''} · ${formatSize(a.size)}`]));
  return [files.length ? el('p', { class: 'hint' }, t('queues.attachments', { n: files.length })) : null,
    files.length ? el('ul', { class: 'attachments' }, files) : null,
    m.raw_url ? el('p', { class: 'raw' }, fileLink(m.raw_url, `message-${m.id}.eml`, t('queues.raw_message')),
      m.raw_size ? ` · ${formatSize(m.raw_size)}` : '') : null];
}

// The fields sent with the ticket plus those the routing found in its text (the decision's).
function fieldsList(ticket) {
  const values = new Map(Object.entries(ticket.fields || {}).map(([k, v]) => [k, { value: v, source: 'ticket' }]));
  for (const [k, f] of Object.entries(ticket.decision?.fields || {})) if (!values.has(k)) values.set(k, f);
  if (!values.size) return el('p', { class: 'hint' }, t('queues.no_fields'));
  return el('dl', { class: 'pairs' }, [...values].flatMap(([k, f]) => [
    el('dt', {}, schema()?.fieldById.get(k)?.title || k),
    el('dd', {}, f.value, f.source === 'extracted' ? el('span', { class: 'hint' }, ` (${t('queues.extracted')})`) : null)]));
}

function errorSlot(id) { return el('p', { class: 'error', id, hidden: true }); }
function showError(id, text) { const e = $(id); if (e) { e.textContent = text; e.hidden = !text; } }

// A ticket still where an unsure decision put it (the intake form's rule, unsureRunnerUp): one
// button, or Alt+R anywhere in the view, moves it to the runner-up. The reason typed in the
// reroute form goes along; without one, the reason says it was the runner-up.
function unsurePrompt(ticket) {
  const d = ticket.decision;
  const runnerUp = unsureRunnerUp(d);
  if (!runnerUp || ticket.topic !== d.topic || ticket.status === 'closed' || !schema()?.topicById.has(runnerUp)) return null;
  const take = () => reroute(ticket.ref, { topic: runnerUp,
    reason: $('reroute-reason').value.trim() || t('queues.unsure_reason', { topic: topicTitle(runnerUp) }) });
  return el('button', { type: 'button', class: 'primary', id: 'use-runner-up', 'aria-keyshortcuts': 'Alt+R', onclick: take },
    t('queues.unsure_or', { topic: topicTitle(runnerUp) }));
}

function actions(ticket) {
  const sch = schema();
  const statusForm = el('form', { class: 'action', onsubmit: (e) => { e.preventDefault(); changeStatus(ticket.ref); } },
    el('label', { for: 'status-select' }, t('queues.status')),
    el('select', { id: 'status-select' }, STAFF_STATUSES.map((s) => el('option', { value: s, selected: s === ticket.status }, statusLabel(s)))),
    el('label', { for: 'status-reason' }, t('queues.status_reason')),
    el('input', { id: 'status-reason', type: 'text', 'aria-describedby': 'status-error' }),
    errorSlot('status-error'),
    el('button', { type: 'submit', class: 'secondary' }, t('queues.status_apply')));
  const rerouteForm = el('form', { class: 'action', onsubmit: (e) => { e.preventDefault(); reroute(ticket.ref, rerouteAsked()); } },
    el('label', { for: 'reroute-topic' }, t('queues.reroute_topic')),
    el('select', { id: 'reroute-topic', 'aria-describedby': 'reroute-target-error' }, el('option', { value: '' }, t('queues.reroute_keep_topic')),
      sch.topics.map((tp) => el('option', { value: tp.id }, `${tp.title} — ${departmentTitle(tp.department)}`))),
    el('label', { for: 'reroute-department' }, t('queues.reroute_department')),
    el('select', { id: 'reroute-department', 'aria-describedby': 'reroute-target-error' }, el('option', { value: '' }, t('queues.reroute_topic_department')),
      sch.departments.map((d) => el('option', { value: d.id }, d.title || d.id))),
    errorSlot('reroute-target-error'),
    el('label', { for: 'reroute-reason' }, t('queues.reroute_reason')),
    el('textarea', { id: 'reroute-reason', rows: 2, 'aria-required': 'true', 'aria-describedby': 'reroute-reason-error' }),
    errorSlot('reroute-reason-error'),
    el('button', { type: 'submit', class: 'secondary' }, t('queues.reroute_apply')));
  const claimButton = ticket.assignee === agentName() && ticket.assignee ? null
    : el('button', { type: 'button', class: 'primary', id: 'dialog-claim', onclick: () => claim(ticket.ref, Boolean(ticket.assignee)) },
      ticket.assignee ? t('queues.take_over', { assignee: ticket.assignee }) : t('queues.claim'));
  return section(t('queues.actions'), unsurePrompt(ticket), claimButton, errorSlot('claim-error'), statusForm,
    el('h4', {}, t('queues.reroute')), rerouteForm, el('h4', {}, t('queues.link')), linkForm(ticket, load));
}

function render(ticket) {
  $('ticket-title').textContent = `${t('queues.ticket', { ref: ticket.ref })} · ${topicTitle(ticket.topic)}`;
  $('ticket-body').replaceChildren(
    el('div', { class: 'dialog-main' },
      el('p', { class: 'meta' }, `${statusLabel(ticket.status)} · ${departmentTitle(ticket.department)} · `,
        ticket.assignee ? t('queues.claimed_by', { assignee: ticket.assignee }) : t('queues.unassigned'),
        ticket.due_at ? ` · ${t('queues.col_due')}: ${formatTime(ticket.due_at)}` : ''),
      section(t('queues.text'), ticket.subject ? el('p', { class: 'subject' }, ticket.subject) : null, el('pre', {}, ticket.body)),
      section(t('queues.requester'), ...requesterDetails(ticket, show)),
      section(t('queues.links'), linksList(ticket, show, load)),
      section(t('queues.fields'), fieldsList(ticket)),
      section(t('queues.why'), ...whyHere(ticket)),
      section(t('queues.history'), history(ticket)),
      section(t('queues.messages'), messages(ticket)),
      section(t('reply.title'), replyForm(ticket, load)),
      section(t('note.title'), ...notesSection(ticket, load))),
    el('div', { class: 'dialog-side' }, actions(ticket)));
}

async function load(ref) {
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ref)}`);
  if (!result.ok) { if (result.status !== 401 && result.status !== 403) showBanner(problemText(result)); return null; }
  render(result.body);
  return result.body;
}

// Another ticket in the same view (a link's, the requester's other one); the focus goes back to
// where the dialog was opened from when it closes.
async function show(ref) {
  if (await load(ref)) $('dialog-close').focus();
}

export async function openTicket(ref) {
  opener = document.activeElement;
  openerRef = opener?.closest?.('tr')?.dataset.ref || null;
  $('dialog-notice').textContent = '';
  if (!(await load(ref))) return;
  if (!dialog.open) dialog.showModal();
  $('dialog-close').focus();
}

// From a row or the dialog. A ticket someone else holds is only taken with `takeOver`.
export async function claim(ref, takeOver) {
  const assignee = agentName();
  if (!assignee) { notice(t('queues.need_name')); showError('claim-error', t('queues.need_name')); $('agent').focus(); return; }
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ref)}/claim`, { method: 'POST', body: { assignee, take_over: takeOver } });
  if (result.status === 409) {
    const text = t('queues.held', { assignee: result.body.assignee });
    notice(text);
    if (dialog.open) { await load(ref); showError('claim-error', text); } else { await openTicket(ref); showError('claim-error', text); }
    return;
  }
  if (!result.ok) return notice(problemText(result));
  notice(result.body.claimed ? t('queues.done_claim', { ref }) : t('queues.unchanged'));
  if (dialog.open) await load(ref);
  await refresh();
}

async function changeStatus(ref) {
  const body = { status: $('status-select').value, reason: $('status-reason').value.trim(), actor: agentName() };
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ref)}/status`, { method: 'POST', body });
  if (!result.ok) return showError('status-error', result.body?.errors?.map((e) => e.message).join('; ') || problemText(result));
  notice(result.body.changed ? t('queues.done_status', { ref, status: statusLabel(result.body.status) }) : t('queues.unchanged'));
  await load(ref);
  $('status-select').focus();
  await refresh();
}

// What the reroute form asks for: a topic and/or a department, and the reason.
function rerouteAsked() {
  const topic = $('reroute-topic').value, department = $('reroute-department').value;
  return { ...(topic && { topic }), ...(department && { department }), reason: $('reroute-reason').value };
}

async function reroute(ref, target) {
  showError('reroute-target-error', '');
  showError('reroute-reason-error', '');
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ref)}/reroute`, { method: 'POST',
    body: { ...target, actor: agentName() } });
  if (result.status === 422) {
    for (const e of result.body.errors || []) {
      const slot = e.field === 'reason' ? 'reroute-reason-error' : 'reroute-target-error';
      showError(slot, e.code === 'missing' && e.field === 'reason' ? t('error.required') : e.message);
    }
    const first = result.body.errors?.[0]?.field === 'reason' ? 'reroute-reason' : 'reroute-topic';
    return $(first).focus();
  }
  if (!result.ok) return showError('reroute-reason-error', problemText(result));
  dialog.close();
  notice(result.body.rerouted ? t('queues.done_reroute', { ref, department: departmentTitle(result.body.department) }) : t('queues.unchanged'));
  await refresh();
}

$('dialog-close').addEventListener('click', () => dialog.close());
dialog.addEventListener('keydown', (e) => {
  if (!e.altKey || !(e.key === 'r' || e.key === 'R' || e.code === 'KeyR') || !$('use-runner-up')) return;
  e.preventDefault();
  $('use-runner-up').click();
});
// The focus goes back where the view was opened from; a row re-rendered meanwhile (a refresh
// after a claim or a status) is found again by its ticket, and one that left the queue is
// replaced by the next (focusRow).
dialog.addEventListener('close', () => {
  if (opener && document.contains(opener)) return opener.focus();
  const ref = openerRef;
  if (ref) focusRow(ref);
});
