// The ticket view's conversation with the customer: a public reply (mailed to the requester,
// threaded to the ticket, with the topic's canned answers to start from) and internal notes
// (staff only, never mailed). Every text goes in as text (el), never as markup.
import { api, el, formatTime, problemText, t } from './common.js';
import { agentName, departmentTitle, notice, topicTitle } from './queues.js';

const $ = (id) => document.getElementById(id);

function errorSlot(id) { return el('p', { class: 'error', id, hidden: true }); }
function showError(id, text) { const e = $(id); if (e) { e.textContent = text; e.hidden = !text; } }
function fieldErrors(result) { return result.body?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') || problemText(result); }

// A canned answer's text with the ticket's own values in place of its placeholders.
export function fillCanned(text, ticket) {
  const values = { ref: ticket.ref, name: ticket.requester?.name || '', topic: topicTitle(ticket.topic),
                   department: departmentTitle(ticket.department) };
  return text.replace(/\{(ref|name|topic|department)\}/g, (_, key) => values[key]);
}

function insertCanned(ticket) {
  const chosen = ticket.canned?.[Number($('canned-select').value)];
  if (!chosen) return;
  const box = $('reply-text');
  const text = fillCanned(chosen.text, ticket);
  const start = box.selectionStart ?? box.value.length, end = box.selectionEnd ?? box.value.length;
  box.value = box.value.slice(0, start) + text + box.value.slice(end);
  box.focus();
  box.setSelectionRange(start + text.length, start + text.length);
}

async function sendReply(ticket, reload) {
  showError('reply-error', '');
  const actor = agentName();
  if (!actor) { showError('reply-error', t('queues.need_name')); return $('agent').focus(); }
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ticket.ref)}/replies`, { method: 'POST',
    body: { text: $('reply-text').value, actor } });
  if (!result.ok) { showError('reply-error', fieldErrors(result)); return $('reply-text').focus(); }
  notice(t('reply.sent', { ref: ticket.ref, to: result.body.reply.to }));
  await reload(ticket.ref);
}

async function addNote(ticket, reload) {
  showError('note-error', '');
  const actor = agentName();
  if (!actor) { showError('note-error', t('queues.need_name')); return $('agent').focus(); }
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ticket.ref)}/notes`, { method: 'POST',
    body: { text: $('note-text').value, actor } });
  if (!result.ok) { showError('note-error', fieldErrors(result)); return $('note-text').focus(); }
  notice(t('note.added', { ref: ticket.ref }));
  await reload(ticket.ref);
}

// The reply form: to whom it goes (or why it cannot), the canned answers, the text.
export function replyForm(ticket, reload) {
  const to = ticket.requester?.email;
  const canned = ticket.canned || [];
  return el('form', { class: 'reply-form', id: 'reply-form', onsubmit: (e) => { e.preventDefault(); sendReply(ticket, reload); } },
    el('p', { class: 'hint', id: 'reply-to' }, to ? t('reply.to', { to }) : t('reply.no_email')),
    canned.length ? el('div', { class: 'canned' },
      el('label', { for: 'canned-select' }, t('reply.canned')),
      el('select', { id: 'canned-select' }, canned.map((c, i) => el('option', { value: String(i) }, c.title))),
      el('button', { type: 'button', class: 'secondary', id: 'canned-insert', onclick: () => insertCanned(ticket) }, t('reply.insert'))) : null,
    el('label', { for: 'reply-text' }, t('reply.text')),
    el('textarea', { id: 'reply-text', rows: 6, 'aria-describedby': 'reply-error', disabled: !to }),
    errorSlot('reply-error'),
    el('button', { type: 'submit', class: 'primary', id: 'reply-send', disabled: !to }, t('reply.send')));
}

// The internal notes, oldest first, and the form that adds one.
export function notesSection(ticket, reload) {
  const notes = ticket.notes || [];
  return [el('p', { class: 'hint' }, t('note.staff_only')),
    notes.length ? el('ol', { class: 'notes', id: 'notes' }, notes.map((n) => el('li', { class: 'note', 'data-note': n.id },
      el('p', { class: 'hint' }, `${formatTime(n.at)} · ${n.author}`), el('pre', {}, n.text))))
      : el('p', { class: 'hint', id: 'notes' }, t('note.none')),
    el('form', { class: 'note-form', onsubmit: (e) => { e.preventDefault(); addNote(ticket, reload); } },
      el('label', { for: 'note-text' }, t('note.text')),
      el('textarea', { id: 'note-text', rows: 3, 'aria-describedby': 'note-error' }),
      errorSlot('note-error'),
      el('button', { type: 'submit', class: 'secondary', id: 'note-add' }, t('note.add')))];
}
