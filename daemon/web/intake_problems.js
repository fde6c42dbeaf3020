// The server's 422 (problem+json `errors`) in the page's words. The server's messages are
// English and written for programs ("fields.product: is 4200 bytes; the limit is 4096"): the page
// words each error itself from its `code` and `field` path, and says where it belongs — the
// description, the topic, one field, an at-least-one-of group, or the form as a whole.
import { t } from './common.js';
import { valueProblem } from './intake_fields.js';

// "fields.product" -> product, "requester.name" -> name, "phone|email" -> phone, email.
export function fieldIds(path) {
  return String(path || '').split('|').map((p) => p.replace(/^(fields|requester)\./, ''));
}

function bytesOver(message) {
  const m = /is (\d+) bytes; the limit is (\d+)/.exec(message || '');
  return m ? { n: m[1], max: m[2] } : null;
}

// The words for one error; `field` is the schema's field (or null), `value` what was sent.
function wording(e, field, value) {
  switch (e.code) {
    case 'missing': return t('error.required');
    case 'too_long': {
      const over = bytesOver(e.message);
      if (over) return t('error.too_long_bytes', over);
      return e.field === 'fields' ? t('error.too_many_fields') : t('error.too_long');
    }
    case 'invalid': return (field && value && valueProblem(field, value)) || t('error.invalid');
    case 'type': return t('error.type');
    case 'unknown': return t('error.unknown');
    case 'conflict': return t('error.conflict');
    default: return t('error.invalid');
  }
}

// Where one server error goes and what it says: {where, ids, text}, `where` one of
// 'description', 'topic', 'group', 'field'. `title(id)` names a field, `values` is what the
// form sent (field id -> text).
export function placeError(e, { schema, values, title }) {
  const path = String(e.field || '');
  const ids = fieldIds(path);
  if (path === 'body' || path === 'subject') {
    return { where: 'description', ids, text: e.code === 'missing' ? t('error.description') : wording(e, null, '') };
  }
  if (path === 'topic') return { where: 'topic', ids, text: e.code === 'unknown' ? t('error.topic_unknown') : wording(e, null, '') };
  if (ids.length > 1) return { where: 'group', ids, text: t('error.one_of', { fields: ids.map(title).join(', ') }) };
  const [id] = ids;
  return { where: 'field', ids, text: wording(e, schema?.fieldById.get(id) || null, values[id] || '') };
}
