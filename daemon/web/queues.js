// The queue board: departments with counts by status and overdue, the open tickets of one
// department sorted by urgency, claim from the row, and the ticket view (queues_ticket.js).
// Refreshes itself every REFRESH_MS without moving the keyboard focus.
import { api, el, formatDuration, formatTime, loadSchema, priorityLabel, setUpHeader, statusLabel, t } from './common.js';
import { claim, openTicket } from './queues_ticket.js';

const REFRESH_MS = 15000;
const OPEN_STATUSES = ['new', 'needs_info', 'in_progress', 'waiting'];
const PAGE = 500;
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
const AGENT_STORAGE = 'triaged.agent';

const $ = (id) => document.getElementById(id);
const state = { schema: null, queues: [], department: null, tickets: [], truncated: [], refreshedAt: null, csat: new Map(), csatAt: 0 };
const CSAT_DAYS = 30;
const CSAT_REFRESH_MS = 5 * 60 * 1000;

export function agentName() { return $('agent').value.trim(); }
export function schema() { return state.schema; }
export function topicTitle(id) { return state.schema?.topicById.get(id)?.title || id; }
export function departmentTitle(id) { return state.schema?.departmentById.get(id)?.title || id; }

// A confirmation goes where the agent is looking: into the ticket view while it is open (the
// page's own line is behind it then), else onto the page.
export function notice(text) {
  const inView = $('ticket-dialog').open;
  $(inView ? 'dialog-notice' : 'notice').textContent = text;
}

function isOverdue(ticket, now) { return ticket.due_at && Date.parse(ticket.due_at) < now; }

// Overdue first (most overdue on top), then soonest due, then priority, then oldest.
function byUrgency(now) {
  return (a, b) => {
    const oa = isOverdue(a, now) ? 0 : 1, ob = isOverdue(b, now) ? 0 : 1;
    if (oa !== ob) return oa - ob;
    const da = a.due_at ? Date.parse(a.due_at) : Infinity, db = b.due_at ? Date.parse(b.due_at) : Infinity;
    if (da !== db) return da - db;
    const pa = PRIORITY_RANK[a.priority] ?? 9, pb = PRIORITY_RANK[b.priority] ?? 9;
    if (pa !== pb) return pa - pb;
    // Times are whole seconds: the id breaks ties in arrival order.
    return (Date.parse(a.created_at) - Date.parse(b.created_at)) || a.id - b.id;
  };
}

async function loadQueues() {
  // Stats read every ticket of the period: every few minutes is enough for a 30-day figure.
  const csatDue = Date.now() - state.csatAt > CSAT_REFRESH_MS;
  const [result, stats] = await Promise.all([api('/api/v1/queues'),
    csatDue ? api(`/api/v1/stats?days=${CSAT_DAYS}`) : Promise.resolve(null)]);
  if (result.ok) state.queues = result.body.queues;
  // Satisfaction per department beside the counts. Stats may be unavailable (a PostgreSQL
  // store answers 503): the board then simply shows no CSAT.
  if (stats) state.csatAt = Date.now();
  if (stats?.ok && stats.body?.csat) state.csat = new Map(stats.body.csat.departments.map((d) => [d.name, d]));
  return result.ok;
}

function csatBadge(department) {
  const c = state.csat.get(department);
  if (!c || c.good + c.bad === 0) return null;
  const share = `${Math.round(100 * c.good / (c.good + c.bad))}%`;
  return el('span', { class: 'csat' }, t('queues.csat', { share, good: c.good, rated: c.good + c.bad }));
}

async function loadTickets() {
  if (!state.department) return;
  const department = state.department;
  const pages = await Promise.all(OPEN_STATUSES.map((status) =>
    api(`/api/v1/tickets?department=${encodeURIComponent(department)}&status=${status}&limit=${PAGE}`)));
  if (department !== state.department || pages.some((p) => !p.ok)) return;
  state.tickets = pages.flatMap((p) => p.body.tickets);
  state.truncated = OPEN_STATUSES.filter((_, i) => pages[i].body.next_cursor);
  state.tickets.sort(byUrgency(Date.now()));
}

function renderDepartments() {
  const list = $('department-list');
  list.replaceChildren(...state.queues.map((q) => {
    const counts = Object.entries(q.by_status).filter(([, n]) => n > 0)
      .map(([status, n]) => `${statusLabel(status)} ${n}`).join(' · ');
    return el('li', {},
      el('button', { type: 'button', class: 'department', 'data-department': q.department,
                     'aria-current': q.department === state.department ? 'true' : null,
                     onclick: () => selectDepartment(q.department) },
        el('span', { class: 'name' }, q.title || q.department),
        el('span', { class: 'counts' },
          el('span', {}, `${t('queues.open')}: ${q.open}`),
          q.overdue > 0 ? el('span', { class: 'overdue-badge' }, `${t('queues.overdue')}: ${q.overdue}`) : null),
        counts ? el('span', { class: 'by-status' }, counts) : null,
        csatBadge(q.department)));
  }));
}

function dueCell(ticket, now) {
  if (!ticket.due_at) return el('td', {}, t('queues.no_due'));
  const left = (Date.parse(ticket.due_at) - now) / 1000;
  const text = left < 0 ? t('queues.overdue_by', { d: formatDuration(-left) }) : t('queues.due_in', { d: formatDuration(left) });
  return el('td', { title: formatTime(ticket.due_at), class: left < 0 ? 'overdue' : null }, text);
}

function row(ticket, now) {
  const text = (ticket.subject || ticket.body || '').split('\n').find((line) => line.trim()) || '';
  const requester = ticket.requester.name || ticket.requester.email || ticket.requester.phone || '';
  const mine = ticket.assignee && ticket.assignee === agentName();
  const tr = el('tr', { 'data-ref': ticket.ref, class: isOverdue(ticket, now) ? 'is-overdue' : null },
    el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link', 'data-action': 'open',
      'aria-label': t('queues.open_ticket', { ref: ticket.ref }), onclick: () => openTicket(ticket.ref) }, ticket.ref)),
    el('td', {}, formatDuration((now - Date.parse(ticket.created_at)) / 1000)),
    dueCell(ticket, now),
    el('td', { class: `priority-${ticket.priority}` }, priorityLabel(ticket.priority)),
    el('td', {}, topicTitle(ticket.topic)),
    el('td', {}, requester),
    el('td', { class: 'text', title: text }, text),
    el('td', {}, statusLabel(ticket.status),
      el('br'), el('span', { class: 'hint' }, ticket.assignee ? t('queues.claimed_by', { assignee: ticket.assignee }) : t('queues.unassigned'))),
    el('td', {}, mine ? null : el('button', { type: 'button', class: 'secondary', 'data-action': 'claim',
      'aria-label': t('queues.claim_ref', { ref: ticket.ref }), onclick: () => claim(ticket.ref, false) }, t('queues.claim'))));
  labelCells(tr);
  return tr;
}

// Each cell carries its column's name: on a phone the rows are cards and the names are shown.
function labelCells(tr) {
  const names = [...document.querySelectorAll('#tickets thead th')].map((th) => th.textContent);
  [...tr.children].forEach((cell, i) => { if (names[i]) cell.dataset.label = names[i]; });
}

function renderTickets() {
  const now = Date.now();
  const q = state.queues.find((x) => x.department === state.department);
  $('queue-title').textContent = q ? (q.title || q.department) : t('queues.select');
  $('queue-notes').replaceChildren(...state.truncated.map((status) =>
    el('p', { class: 'hint' }, t('queues.more', { status: statusLabel(status), n: PAGE }))));
  const rows = state.tickets.map((ticket) => row(ticket, now));
  if (state.department && rows.length === 0) rows.push(el('tr', {}, el('td', { colspan: 9 }, t('queues.empty'))));
  $('ticket-rows').replaceChildren(...rows);
}

// Re-rendering replaces the buttons; the one that had the focus gets it back.
function keepingFocus(render) {
  const active = document.activeElement;
  const ref = active?.closest?.('tr')?.dataset.ref;
  const action = active?.dataset?.action;
  const department = active?.dataset?.department;
  render();
  if (ref) return focusRow(ref, action);
  if (department) document.querySelector(`[data-department="${CSS.escape(department)}"]`)?.focus();
}

// The focus back on a ticket's row (its `action` button, else its reference). When the ticket
// left the queue (rerouted, resolved), the next one in the list takes it, or with the queue
// empty now, the queue's own department button: never the page's body.
export function focusRow(ref, action = 'open') {
  const there = (a) => document.querySelector(`tr[data-ref="${CSS.escape(ref)}"] [data-action="${a}"]`);
  const again = (action && there(action)) || there('open')
    || document.querySelector('#ticket-rows [data-action="open"]')
    || document.querySelector(`[data-department="${CSS.escape(state.department || '')}"]`);
  if (again) again.focus();
}

export async function refresh() {
  if (!state.schema) {
    state.schema = await loadSchema();
    if (!state.schema) return;
  }
  if (!(await loadQueues())) return;
  if (!state.department && state.queues.length) {
    const remembered = location.hash.startsWith('#') ? decodeURIComponent(location.hash.slice(1)) : '';
    state.department = state.queues.some((q) => q.department === remembered) ? remembered
      : (state.queues.find((q) => q.open > 0) || state.queues[0]).department;
  }
  await loadTickets();
  keepingFocus(() => { renderDepartments(); renderTickets(); });
  state.refreshedAt = new Date();
  $('refreshed').textContent = t('queues.refreshed', { time: state.refreshedAt.toLocaleTimeString() });
  document.body.dataset.ready = 'true';
}

async function selectDepartment(department) {
  state.department = department;
  state.tickets = [];
  history.replaceState(null, '', `#${encodeURIComponent(department)}`);
  await refresh();
}

function rerender() {
  if (!state.schema) return;
  renderDepartments();
  renderTickets();
}

$('agent').value = localStorage.getItem(AGENT_STORAGE) || '';
// Not re-rendered on change: that fires as the focus leaves the field, often towards a row's
// button, which must not be replaced under the click. The next refresh shows the new name.
$('agent').addEventListener('input', () => localStorage.setItem(AGENT_STORAGE, agentName()));
$('refresh').addEventListener('click', refresh);
setUpHeader(rerender, refresh);
refresh();
// Paused while a ticket is open, so nothing moves under the person reading it.
setInterval(() => { if (!$('ticket-dialog').open && document.visibilityState === 'visible') refresh(); }, REFRESH_MS);
