// The intake form's typed fields: one input per field of the chosen topic's template, and the
// same checks the server makes (routing/src/fields.cpp), so most mistakes are caught while the
// customer is still on the line. The server stays the judge: its 422 is mapped onto the fields.
import { el, t } from './common.js';

// The requester's members: sent as requester.{name,email,phone}, which count as these fields.
export const REQUESTER_FIELDS = ['name', 'email', 'phone'];

function codePoints(s) { return [...s].length; }

function parseNumber(text, integer) {
  let s = integer ? text : text.replace(/,/g, '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) || (integer && s.includes('.'))) return null;
  if (s.startsWith('+')) s = s.slice(1);
  return Number(s);
}

function validEmail(s) {
  const at = s.indexOf('@');
  if (at <= 0 || s.indexOf('@', at + 1) !== -1 || s.length > 254) return false;
  const domain = s.slice(at + 1), dot = domain.lastIndexOf('.');
  if (dot <= 0 || dot + 1 >= domain.length) return false;
  return !/[\s<>,;\x00-\x20]/.test(s);
}

function validPhone(s) {
  if (/[^0-9 +\-().]/.test(s)) return false;
  const digits = s.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;  // E.164 allows at most 15 digits
}

function validDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}

// RE2 and JavaScript agree on common patterns; one JavaScript cannot read (RE2's (?i) prefix,
// say) is left to the server rather than guessed at.
function compiledPattern(pattern) {
  try { return new RegExp(`^(?:${pattern})$`); } catch { return null; }
}

// "8 digits" for ^\d{8}$; otherwise the pattern itself.
export function patternHint(pattern) {
  const digits = /^\^?\\d\{(\d+)\}\$?$/.exec(pattern);
  return digits ? t('hint.digits', { n: digits[1] }) : pattern;
}

// The problem with a non-empty value for `field`, localized; null when the value is fine.
export function valueProblem(field, raw) {
  const value = raw.trim();
  const numeric = field.type === 'integer' || field.type === 'decimal';
  if (field.type === 'string' || field.type === 'text') {
    const n = codePoints(value);
    if (field.min !== undefined && n < field.min) return t('error.min_length', { n: field.min });
    if (field.max !== undefined && n > field.max) return t('error.max_length', { n: field.max });
  } else if (field.type === 'email' && !validEmail(value)) {
    return t('error.email');
  } else if (field.type === 'phone' && !validPhone(value)) {
    return t('error.phone');
  } else if (numeric) {
    const n = parseNumber(value, field.type === 'integer');
    if (n === null) return t(field.type === 'integer' ? 'error.integer' : 'error.decimal');
    if (field.min !== undefined && n < field.min) return t('error.min_number', { n: field.min });
    if (field.max !== undefined && n > field.max) return t('error.max_number', { n: field.max });
  } else if (field.type === 'date' && !validDate(value)) {
    return t('error.date');
  } else if (field.type === 'enum' && !(field.values || []).includes(value)) {
    return t('error.enum');
  }
  if (field.pattern) {
    const re = compiledPattern(field.pattern);
    if (re && !re.test(value)) return t('error.pattern', { format: patternHint(field.pattern) });
  }
  return null;
}

function hintFor(field) {
  const parts = [];
  if (field.pattern) parts.push(patternHint(field.pattern));
  const numeric = field.type === 'integer' || field.type === 'decimal';
  if (numeric && field.min !== undefined && field.max !== undefined) parts.push(t('hint.range', field));
  else if (numeric && field.min !== undefined) parts.push(t('hint.min', field));
  else if (numeric && field.max !== undefined) parts.push(t('hint.max', field));
  else if (!numeric && field.max !== undefined) parts.push(t('hint.max_length', field));
  if (field.type === 'date') parts.push('YYYY-MM-DD');
  return parts.join(' · ');
}

function control(field, id, describedBy, required) {
  const common = { id, name: field.id, 'aria-describedby': describedBy, 'aria-required': required === true ? 'true' : null,
                   autocomplete: 'off' };
  if (field.type === 'enum') {
    return el('select', common, el('option', { value: '' }, t('intake.choose')),
              (field.values || []).map((v) => el('option', { value: v }, v)));
  }
  if (field.type === 'text') return el('textarea', { ...common, rows: 3 });
  const types = { email: 'email', phone: 'tel', date: 'date' };
  const inputmode = field.type === 'integer' || (field.pattern && /^\^?\\d/.test(field.pattern)) ? 'numeric'
    : field.type === 'decimal' ? 'decimal' : null;
  return el('input', { ...common, type: types[field.type] || 'text', inputmode });
}

// One labelled field: label (with required/optional), input, hint, extracted value, the ref of
// the earlier ticket a value was filled in from (`history`), error.
// A member of an at-least-one-of group is also described by the group's error (`groupError`).
export function fieldRow(field, { required, value, extracted, history, groupError }) {
  const id = `f-${field.id}`;
  const hint = hintFor(field);
  const describedBy = [hint && `${id}-hint`, `${id}-found`, `${id}-history`, `${id}-error`, groupError].filter(Boolean).join(' ');
  const input = control(field, id, describedBy, required);
  input.value = value || '';
  if (history) input.classList.add('from-history');
  const marker = required === 'group' ? null
    : el('span', { class: required ? 'req' : 'opt' }, required ? ` * ${t('intake.required')}` : ` (${t('intake.optional')})`);
  return el('div', { class: 'field', 'data-field': field.id },
    el('label', { for: id }, field.title || field.id, marker),
    input,
    hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    el('p', { class: 'found', id: `${id}-found`, hidden: !extracted }, extracted ? t('intake.extracted', { value: extracted }) : ''),
    el('p', { class: 'history-mark', id: `${id}-history`, hidden: !history }, history ? t('intake.from_history', { ref: history }) : ''),
    el('p', { class: 'error', id: `${id}-error`, hidden: true }));
}

// Shows or hides a shown field's "from history (REF)" mark in place; false when not shown.
export function setHistoryMark(form, id, ref) {
  const row = form.querySelector(`[data-field="${CSS.escape(id)}"]`);
  if (!row) return false;
  const mark = row.querySelector('.history-mark');
  mark.textContent = ref ? t('intake.from_history', { ref }) : '';
  mark.hidden = !ref;
  row.querySelector('input, select, textarea').classList.toggle('from-history', Boolean(ref));
  return true;
}

// Marks a shown field invalid without words of its own (its group says them).
export function markField(form, id) {
  const input = form.querySelector(`[data-field="${CSS.escape(id)}"] :is(input, select, textarea)`);
  if (input) input.setAttribute('aria-invalid', 'true');
}

export function setFieldError(form, id, message) {
  const row = form.querySelector(`[data-field="${CSS.escape(id)}"]`);
  if (!row) return false;
  const input = row.querySelector('input, select, textarea');
  const error = row.querySelector('.error');
  error.textContent = message || '';
  error.hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  return true;
}
