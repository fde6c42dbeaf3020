// The intake form in a real browser, against the real daemon and its built-in example rules
// (an online pharmacy, in Russian). The tests share one daemon: each customer has a phone and
// order numbers of their own, or their calls would join each other's tickets.
import assert from 'node:assert/strict';
import { activeId, layoutProblems, tabTo, until } from './harness.mjs';

const LATE_COURIER = 'Курьер так и не приехал, жду с самого утра';
// Two topics' keywords at once (a double charge and a late courier): the rules are unsure.
const TWO_TOPICS = 'Двойное списание за заказ, а ещё курьер опоздал';

async function openForm(page, daemon) {
  await page.goto(`${daemon.base}/`);
  await page.waitForSelector('body[data-ready="true"]');
}

const topicValue = (page) => page.$eval('#topic', (s) => s.value);
const refPattern = /^[0-9A-Z]{3}-[0-9A-Z]{3}$/;
const resultRef = (page) => until('the reference', async () => {
  const text = await page.textContent('#result-ref');
  return refPattern.test(text) && text;
});
const requiredIds = (page) => page.$$eval('[data-field] .req', (marks) => marks.map((m) => m.closest('[data-field]').dataset.field));

export const tests = [
  {
    name: 'typing a description suggests the topic and shows the words that decided it',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      assert.equal(await activeId(page), 'description', 'the form opens with the focus in the description');
      await page.keyboard.type(LATE_COURIER);
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      const suggestion = await page.textContent('#suggestion');
      assert.match(suggestion, /Доставка: курьер не приехал/);
      assert.match(suggestion, /Логистика и доставка/);
      const words = await page.$$eval('#suggestion mark.word', (m) => m.map((x) => x.textContent));
      assert.ok(words.includes('Курьер'), `deciding words: ${words}`);
      assert.deepEqual(await requiredIds(page), ['order_id']);
    },
  },
  {
    name: 'a description two topics match offers the runner-up and Alt+R takes it',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type(TWO_TOPICS);
      await until('the unsure prompt', async () => page.isVisible('#use-runner-up'));
      const first = await topicValue(page);
      const offered = await page.$eval('#use-runner-up', (b) => b.dataset.topic);
      assert.notEqual(offered, first, 'the runner-up is another topic than the suggestion');
      assert.match(await page.textContent('#use-runner-up'), /Не уверен — или «.+»\? \(Alt\+R\)/);
      await page.keyboard.press('Alt+KeyR');
      await until('the runner-up taken', async () => (await topicValue(page)) === offered);
      assert.ok(await page.isHidden('#use-runner-up'), 'once the operator chose, nothing more is asked');
      assert.match(await page.textContent('#topic-info'), /Выбрано оператором/);
    },
  },
  {
    name: 'choosing another topic with the keyboard changes the required fields',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type(LATE_COURIER);
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await tabTo(page, '#topic-search');
      await page.keyboard.type('бонус');
      await page.keyboard.press('Enter');
      await until('the loyalty topic', async () => (await topicValue(page)) === 'loyalty');
      assert.deepEqual(await requiredIds(page), ['phone'], 'loyalty needs the phone the card is tied to');
      assert.ok(await page.isVisible('#use-suggestion'), 'the rules\' suggestion can be taken back');
      assert.match(await page.textContent('#topic-info'), /Выбрано оператором/);

      await page.fill('#topic-search', '');
      await page.keyboard.type('кабинет');
      await page.keyboard.press('Enter');
      await until('the account topic', async () => (await topicValue(page)) === 'account');
      assert.deepEqual(await requiredIds(page), []);
      assert.equal(await page.$eval('fieldset.group', (g) => g.dataset.group), 'phone|email');

      await page.keyboard.press('ArrowDown');
      assert.equal(await activeId(page), 'topic', 'ArrowDown moves from the search to the list');
    },
  },
  {
    name: 'submitting without a required field marks it and creates nothing',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type(LATE_COURIER);
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await page.keyboard.press('Control+Enter');
      await until('the order number marked', () => page.$eval('#f-order_id', (i) => i.getAttribute('aria-invalid') === 'true'));
      assert.equal(await activeId(page), 'f-order_id', 'the focus goes to the field to fix');
      assert.match(await page.textContent('#f-order_id-error'), /Обязательное поле/);
      await page.keyboard.type('4071826');
      await page.keyboard.press('Control+Enter');
      await until('the pattern named', async () => /8 цифр/.test(await page.textContent('#f-order_id-error')));
      assert.ok(await page.isHidden('#result'));
      const list = await daemon.get('/api/v1/tickets');
      assert.equal(list.body.tickets.length, 0);
    },
  },
  {
    name: 'an order number in the description satisfies the required field',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не привёз заказ 40718263, жду с утра');
      await until('the extracted order number', async () => /40718263/.test(await page.textContent('[data-field="order_id"] .found')));
      await page.keyboard.press('Control+Enter');
      await until('the reference', async () => /^[0-9A-Z]{3}-[0-9A-Z]{3}$/.test(await page.textContent('#result-ref')));
    },
  },
  {
    name: 'the server\'s 422 errors are shown on their fields in Russian and the group\'s message once',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      // The client checks what the server checks, so this 422 is staged: the mapping is under test.
      await page.route('**/api/v1/tickets', (route) => route.fulfill({
        status: 422, contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'urn:triaged:problem:validation', title: 'x', status: 422, detail: 'topic "account" needs more data',
          errors: [{ field: 'phone|email', code: 'missing', message: 'at least one of phone, email is required' },
                   { field: 'name', code: 'invalid', message: '"?" is not allowed' },
                   { field: 'fields.coupon', code: 'unknown', message: 'is not a ticket attribute' }] }) }));
      await page.keyboard.type('Не могу войти в личный кабинет');
      await page.fill('#topic-search', 'кабинет');
      await page.press('#topic-search', 'Enter');
      await until('the account topic', async () => (await topicValue(page)) === 'account');
      await page.fill('#f-email', 'anna@example.ru');
      await page.fill('#f-name', 'Анна');
      await page.keyboard.press('Control+Enter');
      await until('the group marked', () => page.$eval('#f-phone', (i) => i.getAttribute('aria-invalid') === 'true'));
      assert.equal(await page.$eval('#f-email', (i) => i.getAttribute('aria-invalid')), 'true');
      const shown = await page.evaluate(() => document.body.innerText);
      assert.equal(shown.split('Нужно хотя бы одно: Телефон, Email').length - 1, 1, `the group's message once:\n${shown}`);
      assert.ok(await page.isHidden('#f-phone-error') && await page.isHidden('#f-email-error'));
      assert.match(await page.getAttribute('#f-phone', 'aria-describedby'), /group-0-error/, 'the marked input is described by the group\'s message');
      assert.match(await page.textContent('#f-name-error'), /Сервер не принял это значение/);
      assert.equal(await page.getAttribute('#f-name', 'aria-invalid'), 'true');
      assert.match(await page.textContent('#form-errors'), /coupon: Сервер не знает такого поля/, 'what no input explains is listed');
      assert.doesNotMatch(shown, /is not allowed|is required|at least one of|ticket attribute/, 'no server English on the page');
      assert.equal(await activeId(page), 'f-phone', 'the focus goes to the first marked field');
    },
  },
  {
    name: 'values over the server\'s size limit are refused by the server and shown on their own fields',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type('Прислали просроченный препарат, заказ 78901234');
      await until('the suggestion of quality', async () => (await topicValue(page)) === 'product_quality');
      await page.fill('#f-product', 'Н'.repeat(2100));
      await page.fill('#f-phone', '+7 916 555-03-04');
      await page.fill('#f-name', 'А'.repeat(2100));
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/tickets'));
      await page.keyboard.press('Control+Enter');
      assert.equal((await answer).status(), 422, 'the server judged, not the page');
      await until('the product marked', () => page.$eval('#f-product', (i) => i.getAttribute('aria-invalid') === 'true'));
      assert.equal(await page.textContent('#f-product-error'), 'Слишком длинно: 4200 байт, можно не больше 4096 (буква кириллицы — 2 байта)');
      assert.equal(await page.getAttribute('#f-name', 'aria-invalid'), 'true');
      assert.match(await page.textContent('#f-name-error'), /^Слишком длинно: 4200 байт/);
      assert.equal(await page.textContent('#form-errors'), 'Обращение не создано: исправьте отмеченные поля.');
      assert.equal(await activeId(page), 'f-product');
      assert.equal((await daemon.get('/api/v1/tickets?topic=product_quality')).body.tickets
        .filter((tk) => tk.body.includes('78901234')).length, 0);
    },
  },
  {
    name: 'an operator takes a whole call with the keyboard alone and reads out the reference',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не приехал, посылку так и не привезли');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await tabTo(page, '#f-order_id');
      await page.keyboard.type('40718263');
      await tabTo(page, '#f-phone');
      await page.keyboard.type('+7 916 204-37-81');
      await tabTo(page, '#f-name');
      await page.keyboard.type('Анна Петрова');
      await page.keyboard.press('Control+Enter');
      const ref = await until('the reference', async () => {
        const text = await page.textContent('#result-ref');
        return /^[0-9A-Z]{3}-[0-9A-Z]{3}$/.test(text) && text;
      });
      assert.match(await page.textContent('#result-department'), /Логистика и доставка/);
      assert.match(await page.textContent('#result-topic'), /Доставка/);
      assert.notEqual((await page.textContent('#result-due')).trim(), '');
      assert.equal(await page.inputValue('#description'), '', 'the form is empty for the next call');
      assert.equal(await activeId(page), 'description');
      const stored = await daemon.get(`/api/v1/tickets/${ref}`);
      assert.equal(stored.body.topic, 'delivery');
      assert.equal(stored.body.channel, 'phone');
      assert.equal(stored.body.fields.order_id, '40718263');
      assert.equal(stored.body.requester.name, 'Анна Петрова');
      assert.equal(stored.body.decision.source, 'rules');
    },
  },
  {
    name: 'nothing of the first call\'s answer stays on screen once the second call\'s description is typed',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не приехал, заказ 56789012 так и не привезли');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await page.fill('#f-phone', '+7 916 555-01-02');
      await page.keyboard.press('Control+Enter');
      const first = await resultRef(page);
      assert.ok(await page.isVisible('#result'), 'the reference is shown to be read out');
      assert.equal(await activeId(page), 'description');

      await page.keyboard.type('Списали деньги дважды за заказ 67890123');
      await until('the second call\'s topic', async () => !['', 'delivery'].includes(await topicValue(page)));
      assert.ok(await page.isHidden('#result'));
      const shown = await page.evaluate(() => document.body.innerText);
      assert.ok(!shown.includes(first), `the first reference ${first} is still on screen`);
      assert.doesNotMatch(shown, /Обращение создано|Номер для клиента|Срок ответа/);
      assert.ok(await page.$eval('#submit', (b) => b.getBoundingClientRect().bottom <= innerHeight),
        'the submit button is above the fold at 1366×768');

      // Nor does a submit of an empty form put "not created" beside the last "created".
      await page.fill('#description', '');
      await page.keyboard.press('Control+Enter');
      await until('the description marked', () => page.isVisible('#description-error'));
      assert.ok(await page.isHidden('#result'));
    },
  },
  {
    name: 'the page follows the browser language and the switch is remembered',
    locale: 'en-US',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.match(await page.textContent('#submit'), /Create ticket/);
      await page.selectOption('#lang', 'ru');
      assert.match(await page.textContent('#submit'), /Создать обращение/);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    },
  },
  {
    name: 'a saved API key is sent with every request and a 401 says what to do',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      const seen = [];
      page.on('request', (r) => { if (r.url().includes('/api/')) seen.push(r.headers().authorization || ''); });
      await page.click('.key summary');
      await page.fill('#api-key', 'k-intake-1');
      await page.press('#api-key', 'Enter');
      await page.route('**/api/v1/classify', (route) => route.fulfill({ status: 401, contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'urn:triaged:problem:unauthorized', title: 'Unauthorized', status: 401, errors: [] }) }));
      await page.fill('#description', 'Курьер не приехал');
      await until('the 401 banner', async () => /API-ключ/.test(await page.textContent('#banner')) && await page.isVisible('#banner'));
      assert.ok(seen.length > 0 && seen.every((h) => h === 'Bearer k-intake-1'), `authorization headers: ${seen}`);
    },
  },
  {
    name: 'a returning customer typed in another spelling of their phone is recognised: the ticket shown, the email filled in from history',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не привёз заказ 12345678, жду с утра');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await page.fill('#f-phone', '8 916 123-45-67');
      await page.fill('#f-email', 'anna.k@example.ru');
      await page.fill('#f-name', 'Анна Кузнецова');
      await page.keyboard.press('Control+Enter');
      const first = await resultRef(page);
      assert.ok(await page.isHidden('#customer'), 'a first call knows nobody');

      // The second call: the operator has the name already, then types the phone as the customer says it.
      await page.keyboard.type('Курьер опять не приехал, заказ 12345679');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await page.fill('#f-name', 'Аня');
      await page.focus('#f-phone');
      await page.keyboard.type('+7 (916) 123-45-67');
      await until('the known-customer panel', () => page.isVisible('#customer'));
      const panel = await page.textContent('#customer');
      assert.match(panel, /Клиент уже обращался: Анна Кузнецова/);
      assert.match(panel, new RegExp(`1 открытое обращение: ${first} Доставка.*\\(новое\\)`));
      assert.equal(await page.inputValue('#f-email'), 'anna.k@example.ru', 'the email the profile knows');
      assert.ok(await page.isVisible('#f-email-history'));
      assert.match(await page.textContent('#f-email-history'), new RegExp(`Из истории \\(${first}\\)`));
      assert.equal(await page.inputValue('#f-name'), 'Аня', 'what the operator typed stays');
      assert.ok(await page.isHidden('#f-name-history'));
      assert.equal(await page.inputValue('#f-phone'), '+7 (916) 123-45-67');
      assert.equal(await activeId(page), 'f-phone', 'the panel does not take the focus');
      await page.keyboard.press('Tab');
      assert.equal(await activeId(page), 'f-email', 'Tab goes on to the next field');

      // Changing a filled-in value makes it the operator's: the mark goes.
      await page.keyboard.type('anna@example.ru');
      assert.equal(await page.inputValue('#f-email'), 'anna@example.ru', 'typing replaces the filled-in value');
      assert.ok(await page.isHidden('#f-email-history'));
    },
  },
  {
    name: 'a second report about the same order is added to the customer\'s open ticket, not filed as a new one',
    async run({ page, daemon }) {
      const first = await daemon.post('/api/v1/tickets', { body: 'Курьер не привёз заказ 23456789', channel: 'phone',
        requester: { name: 'Пётр', phone: '8 926 555-12-34' } });
      assert.equal(first.status, 201);
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не привёз заказ 23456789, звоню второй раз');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await tabTo(page, '#f-phone');
      await page.keyboard.type('+7 926 555 12 34');
      await until('the known-customer panel', async () => (await page.textContent('#customer')).includes(first.body.ref));
      await page.keyboard.press('Control+Enter');
      await until('the merge said', async () => /Добавлено к существующему обращению/.test(await page.textContent('#result-title')));
      assert.equal(await resultRef(page), first.body.ref, 'the existing ticket\'s reference, large');
      const note = await page.textContent('#result-note');
      assert.match(note, new RegExp(`Новое обращение не создано: звонок добавлен в открытое обращение ${first.body.ref}`));
      assert.match(note, /совпадает: номер заказа/);
      assert.equal(await page.getAttribute('#result', 'data-kind'), 'merged');
      assert.equal(await page.inputValue('#description'), '', 'the form is empty for the next call');
      assert.ok(await page.isHidden('#customer'));
      const stored = await daemon.get(`/api/v1/tickets/${first.body.ref}`);
      const merged = stored.body.events.find((e) => e.kind === 'merged');
      assert.equal(merged?.data.matched_by, 'order_id');
      const list = await daemon.get('/api/v1/tickets?topic=delivery');
      assert.equal(list.body.tickets.filter((tk) => tk.requester.name === 'Пётр').length, 1);

      // The next call is a new ticket again, and says so; nothing of the last caller stays.
      await page.keyboard.type('Курьер не приехал, заказ 40718299');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      assert.equal(await page.inputValue('#f-phone'), '', 'the field that had the focus at Ctrl+Enter is empty too');
      assert.equal(await page.inputValue('#f-name'), '');
      await page.keyboard.press('Control+Enter');
      await until('a new ticket said', async () => /Обращение создано/.test(await page.textContent('#result-title')));
      assert.notEqual(await resultRef(page), first.body.ref);
      assert.ok(await page.isHidden('#result-note'));
    },
  },
  {
    name: 'a repeated quality complaint is created and linked to the first one, and says so',
    async run({ page, daemon }) {
      const first = await daemon.post('/api/v1/tickets', { body: 'Прислали просроченный препарат, заказ 34567890', channel: 'phone',
        requester: { phone: '8 903 777-66-55' }, fields: { product: 'Нурофен' } });
      assert.equal(first.status, 201);
      assert.equal(first.body.topic, 'product_quality');
      await openForm(page, daemon);
      await page.keyboard.type('Ещё одна упаковка просроченная, заказ 34567890');
      await until('the suggestion of quality', async () => (await topicValue(page)) === 'product_quality');
      await page.fill('#f-product', 'Нурофен');
      await page.fill('#f-phone', '89037776655');
      await until('the known-customer panel', () => page.isVisible('#customer'));
      await page.keyboard.press('Control+Enter');
      await until('the link said', async () => new RegExp(`связано с обращением ${first.body.ref}`).test(await page.textContent('#result-note')));
      assert.match(await page.textContent('#result-title'), /Обращение создано/);
      const ref = await resultRef(page);
      assert.notEqual(ref, first.body.ref);
      const stored = await daemon.get(`/api/v1/tickets/${ref}`);
      assert.deepEqual(stored.body.links.map((l) => [l.ref, l.kind]), [[first.body.ref, 'duplicate_of']]);
    },
  },
  {
    name: 'the known-customer panel and the merge are worded in English too',
    locale: 'en-US',
    async run({ page, daemon }) {
      const first = await daemon.post('/api/v1/tickets', { body: 'Курьер не привёз заказ 45678901', channel: 'phone',
        requester: { name: 'Ivan', email: 'ivan@example.com' } });
      assert.equal(first.status, 201);
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не привёз заказ 45678901');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      await page.fill('#f-email', 'Ivan@Example.com');
      await page.press('#f-email', 'Tab');  // leaving the field asks at once
      await until('the known-customer panel', async () => /Known customer: Ivan/.test(await page.textContent('#customer')));
      assert.match(await page.textContent('#customer'), new RegExp(`1 open ticket: ${first.body.ref}`));
      assert.match(await page.textContent('#f-name-history'), new RegExp(`From history \\(${first.body.ref}\\)`));
      await page.keyboard.press('Control+Enter');
      await until('the merge said', async () => /Added to an existing ticket/.test(await page.textContent('#result-title')));
      await page.selectOption('#lang', 'ru');
      assert.match(await page.textContent('#result-title'), /Добавлено к существующему обращению/, 'the language switch rewords it');
      assert.match(await page.textContent('#result-note'), /звонок добавлен/);
    },
  },
  {
    name: 'every topic name is shown whole in the list at 1366 by 768',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      const cut = await page.$$eval('#topic option', (options) => options
        .filter((o) => o.scrollWidth > o.clientWidth).map((o) => `${o.textContent} (${o.scrollWidth} > ${o.clientWidth} px)`));
      assert.deepEqual(cut, []);
      const groups = await page.$$eval('#topic optgroup', (g) => g.map((x) => x.label));
      assert.ok(groups.includes('Логистика и доставка'), `the departments head their topics: ${groups}`);
    },
  },
  {
    name: 'on a 390 by 844 phone the form fits the screen and a whole call can be taken',
    async run({ page, daemon }) {
      await page.setViewportSize({ width: 390, height: 844 });
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не приехал, заказ 89012345');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      assert.deepEqual(await layoutProblems(page, 'a, button, input, select, textarea, summary'), []);
      const below = await page.evaluate(() => document.getElementById('fields').getBoundingClientRect().top
        >= document.getElementById('description').getBoundingClientRect().bottom);
      assert.ok(below, 'one column: the fields come below the description');
      await page.fill('#f-phone', '+7 916 555-05-06');
      await page.click('#submit');
      await resultRef(page);
      assert.deepEqual(await layoutProblems(page, '#result-ref, #submit'), []);
    },
  },
  {
    name: 'looking up a caller nobody knows logs no error in the console',
    async run({ page, daemon }) {
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не приехал, заказ 90123456');
      await until('the suggestion of delivery', async () => (await topicValue(page)) === 'delivery');
      const lookup = page.waitForResponse((r) => r.url().includes('/api/v1/requesters?'));
      await page.fill('#f-phone', '+7 916 555-07-08');
      await page.press('#f-phone', 'Tab');
      assert.equal((await lookup).status(), 200, 'nobody known is an answer, not an error');
      await page.waitForTimeout(200);
      assert.deepEqual(errors, []);
      assert.ok(await page.isHidden('#customer'));
    },
  },
  {
    name: 'the topic\'s answers are shown to the operator and the answer helped records a deflection instead of a ticket',
    async run({ page, daemon }) {
      await openForm(page, daemon);
      await page.keyboard.type('Курьер не приехал, где мой заказ?');
      await until('the delivery answers', async () => (await page.isVisible('#answers'))
        && /Где посмотреть, где заказ/.test(await page.textContent('#answers')));
      assert.match(await page.textContent('#answers'), /личном кабинете/);
      assert.equal(await page.getAttribute('#answers [data-answer="track"] a', 'href'), 'https://apteka.example/orders');
      const before = (await daemon.get('/api/v1/stats?days=1')).body.deflected;
      await page.click('#answers [data-answer="track"] button.helped');
      await until('the note that it was recorded', async () => (await page.isVisible('#deflected'))
        && /Записано: вопрос решён ответом «Где посмотреть, где заказ»/.test(await page.textContent('#deflected')));
      assert.equal(await page.inputValue('#description'), '', 'the form is clear for the next call');
      assert.equal(await page.isVisible('#answers'), false);
      const stats = await daemon.get('/api/v1/stats?days=1');
      assert.equal(stats.body.deflected, before + 1);
      const metrics = await (await fetch(`${daemon.base}/metrics`)).text();
      assert.match(metrics, /triaged_deflected_total\{topic="delivery"\} [1-9]/);
    },
  },
];
