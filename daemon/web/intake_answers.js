// Answers before a ticket: the decided topic's short answers (classify returns them) for the
// operator to read out while the caller is on the line, each with "the answer helped — no
// ticket needed", which records a deflection (POST /api/v1/deflections) and ends the call.
import { api, el, fill, problemText, t } from './common.js';

const $ = (id) => document.getElementById(id);
let onDeflected = () => {};

async function helped(answer) {
  const result = await api('/api/v1/deflections', { method: 'POST', body: { topic: answer.topic, answer: answer.id, channel: 'phone' } });
  if (!result.ok) { $('answers-error').textContent = problemText(result); $('answers-error').hidden = false; return; }
  onDeflected();
  const note = $('deflected');
  note.textContent = t('answers.recorded', { title: answer.title });
  note.hidden = false;
}

// Shows `decision`'s answers, or hides the panel when it has none.
export function renderAnswers(decision) {
  const box = $('answers');
  const answers = decision?.answers || [];
  box.hidden = answers.length === 0;
  if (!answers.length) return box.replaceChildren();
  fill(box, el('h2', {}, t('answers.title')),
    el('ul', {}, answers.map((a) => el('li', { class: 'answer', 'data-answer': a.id },
      el('p', { class: 'answer-title' }, a.title),
      el('p', {}, a.text),
      a.url && /^https?:\/\//.test(a.url) ? el('p', {}, el('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, t('answers.more'))) : null,
      el('button', { type: 'button', class: 'secondary helped', onclick: () => helped(a) }, t('answers.helped'))))),
    el('p', { class: 'error', id: 'answers-error', hidden: true }));
}

// `deflected` runs once a deflection is recorded (the form resets for the next call); the
// note saying so stays until the operator types again.
export function setUpAnswers(deflected) {
  onDeflected = deflected;
  document.getElementById('ticket-form').addEventListener('input', () => { $('deflected').hidden = true; });
}
