// The ticket view's part about the ticket among the requester's others (issue 8): the
// requester's other open tickets, this ticket's links (duplicate of, duplicated by, related)
// each with "unlink", the "link to…" form (POST /api/v1/tickets/{id}/link), and how the
// merged, linked and unlinked events read in the history.
import { api, el, formatTime, problemText, statusLabel, t } from './common.js';
import { agentName, notice, schema, topicTitle } from './queues.js';

const LINK_KINDS = ['duplicate_of', 'related'];
const SHOWN_KINDS = ['duplicate_of', 'duplicated_by', 'related'];
const $ = (id) => document.getElementById(id);

// A reference that opens that ticket in the same view.
function refButton(ref, open) {
  return el('button', { type: 'button', class: 'link', 'data-action': 'open-other', 'aria-label': t('queues.open_ticket', { ref }),
                        onclick: () => open(ref) }, ref);
}

// "номер заказа" for order_id (the field's title), "тема" for a match on the topic.
function matchedLabel(matchedBy) {
  if (!matchedBy) return '';
  if (matchedBy === 'topic') return t('match.topic');
  const title = schema()?.fieldById.get(matchedBy)?.title || matchedBy;
  return title.charAt(0).toLocaleLowerCase() + title.slice(1);
}

// The requester line, and what their profile adds: how many tickets, and their other open ones.
export function requesterDetails(ticket, open) {
  const r = ticket.requester || {};
  const line = el('p', {}, [r.name, r.email, r.phone].filter(Boolean).join(' · '));
  const p = ticket.requester_profile;
  if (!p) return [line];
  const others = p.open_tickets || [];
  return [line,
    el('p', { class: 'hint' }, t('queues.profile_count', { n: (p.tickets || []).length + 1 })),
    el('h4', {}, t('queues.other_open')),
    others.length
      ? el('ul', { class: 'related', id: 'other-open' }, others.map((tk) => el('li', { 'data-ref': tk.ref },
        refButton(tk.ref, open), ` ${topicTitle(tk.topic)} · ${statusLabel(tk.status)} · ${formatTime(tk.created_at)}`,
        tk.subject ? ` · ${tk.subject}` : '')))
      : el('p', { class: 'hint' }, t('queues.no_other_open'))];
}

export function linksList(ticket, open, reload) {
  const links = ticket.links || [];
  if (!links.length) return el('p', { class: 'hint', id: 'links' }, t('queues.no_links'));
  return el('ul', { class: 'links', id: 'links' }, links.map((l) => el('li', { 'data-ref': l.ref, 'data-kind': l.kind },
    `${t(SHOWN_KINDS.includes(l.kind) ? `link.${l.kind}` : 'link.related')} `, refButton(l.ref, open),
    ` · ${statusLabel(l.status)} · ${formatTime(l.at)}`,
    el('button', { type: 'button', class: 'secondary', 'data-action': 'unlink', 'aria-label': t('queues.unlink_ref', { ref: l.ref }),
                   onclick: () => changeLink(ticket.ref, { ticket: l.ref, unlink: true }, reload) }, t('queues.unlink')))));
}

export function linkForm(ticket, reload) {
  return el('form', { class: 'action', id: 'link-form', onsubmit: (e) => { e.preventDefault(); link(ticket.ref, reload); } },
    el('label', { for: 'link-ref' }, t('queues.link_ref')),
    el('input', { id: 'link-ref', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-required': 'true',
                  'aria-describedby': 'link-error' }),
    el('label', { for: 'link-kind' }, t('queues.link_kind')),
    el('select', { id: 'link-kind' }, LINK_KINDS.map((k) => el('option', { value: k }, t(`queues.link_kind_${k}`)))),
    el('label', { for: 'link-reason' }, t('queues.link_reason')),
    el('input', { id: 'link-reason', type: 'text', 'aria-describedby': 'link-error' }),
    el('p', { class: 'error', id: 'link-error', hidden: true }),
    el('button', { type: 'submit', class: 'secondary' }, t('queues.link_apply')));
}

function showLinkError(text) {
  const slot = $('link-error');
  slot.textContent = text || '';
  slot.hidden = !text;
  if (text) { $('link-ref').setAttribute('aria-invalid', 'true'); $('link-ref').focus(); } else $('link-ref').removeAttribute('aria-invalid');
}

async function link(ref, reload) {
  const other = $('link-ref').value.trim();
  if (!other) return showLinkError(t('error.required'));
  const reason = $('link-reason').value.trim();
  await changeLink(ref, { ticket: other, kind: $('link-kind').value, ...(reason && { reason }) }, reload);
}

// The other ticket as the server spells it: the operator may have typed "k7m3qx" or an id.
function canonicalRef(links, typed) {
  const key = typed.replace(/-/g, '').toUpperCase();
  return links.find((l) => l.ref.replace(/-/g, '') === key || String(l.ticket_id) === typed)?.ref || typed;
}

async function changeLink(ref, body, reload) {
  const actor = agentName();
  const result = await api(`/api/v1/tickets/${encodeURIComponent(ref)}/link`, { method: 'POST', body: { ...body, ...(actor && { actor }) } });
  if (!result.ok) return showLinkError(result.body?.errors?.map((e) => e.message).join('; ') || problemText(result));
  const changed = body.unlink ? result.body.unlinked : result.body.linked;
  const other = canonicalRef(result.body.links || [], body.ticket);
  notice(changed ? t(body.unlink ? 'queues.done_unlink' : 'queues.done_link', { ref, other }) : t('queues.unchanged'));
  await reload(ref);
  $('link-ref')?.focus();
}

// The history line of an event this module adds; null for the others.
export function linkEventText(e) {
  const d = e.data || {};
  if (e.kind === 'merged') return t('event.merged', { channel: d.channel || '', matched: matchedLabel(d.matched_by) });
  if (e.kind === 'linked') return t(`event.linked_${SHOWN_KINDS.includes(d.kind) ? d.kind : 'related'}`, { ref: d.ref });
  if (e.kind === 'unlinked') return t('event.unlinked', { ref: d.ref });
  return null;
}
