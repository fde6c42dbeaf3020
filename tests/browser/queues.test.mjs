// The queue board in a real browser: a ticket filed at intake is found in its department,
// claimed and rerouted, and the ticket view explains why it was there.
import assert from 'node:assert/strict';
import { activeId, layoutProblems, tabTo, until } from './harness.mjs';

const DELIVERY = { body: 'Курьер не приехал, заказ 40718263 так и не привезли', channel: 'phone',
                   requester: { name: 'Анна Петрова', phone: '+7 916 204-37-81' } };
// The tests share one daemon: a repeat of an open ticket by the same customer about the same
// order would join it (200, merged), so each test's customer has a phone of their own.
const deliveryFor = (phone) => ({ ...DELIVERY, requester: { ...DELIVERY.requester, phone } });

async function openBoard(page, daemon, hash = '') {
  await page.goto(`${daemon.base}/queues${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
}

const row = (ref) => `tr[data-ref="${ref}"]`;

// A new delivery ticket of the customer with `phone`, and the logistics board open for Ольга.
async function boardWithTicket(page, daemon, phone) {
  const created = await daemon.post('/api/v1/tickets', deliveryFor(phone));
  assert.equal(created.status, 201);
  await openBoard(page, daemon, '#logistics');
  await page.fill('#agent', 'Ольга');
  return created.body.ref;
}

export const tests = [
  {
    name: 'departments show their counts and the tickets of one sorted by urgency',
    async run({ page, daemon }) {
      const late = await daemon.post('/api/v1/tickets', DELIVERY);
      assert.equal(late.status, 201);
      const pickup = await daemon.post('/api/v1/tickets', { ...DELIVERY, body: 'Где мой заказ 40718264? Трек не обновляется' });
      assert.equal(pickup.status, 201);
      await openBoard(page, daemon, '#logistics');
      const logistics = await page.textContent('[data-department="logistics"]');
      assert.match(logistics, /открыто: 2/);
      assert.match(logistics, /новое 2/);
      assert.equal(await page.getAttribute('[data-department="logistics"]', 'aria-current'), 'true');
      const refs = await page.$$eval('#ticket-rows tr', (rows) => rows.map((r) => r.dataset.ref));
      assert.deepEqual(refs, [late.body.ref, pickup.body.ref], 'same deadline (to the second) and priority: the older first');
      const cells = await page.$$eval(`${row(late.body.ref)} td`, (td) => td.map((c) => c.textContent));
      assert.ok(cells.some((c) => /Анна Петрова/.test(c)), `cells: ${cells}`);
      assert.ok(cells.some((c) => /^Курьер не приехал/.test(c)), 'the first line of the text');
      assert.ok(cells.some((c) => /через 11 ч 5\d мин|через 12 ч/.test(c)), `due in about 12 h: ${cells}`);
      // Two days on, both are overdue: marked, and counted on the server's side too.
      await page.clock.install({ time: Date.now() + 2 * 86400e3 });
      await page.click('#refresh');
      await until('the overdue mark', () => page.$eval(row(late.body.ref), (r) => r.classList.contains('is-overdue')));
      assert.match(await page.textContent(row(late.body.ref)), /просрочено на 1 д/);
    },
  },
  {
    name: 'a ticket is found on the board, claimed and rerouted with the keyboard',
    async run({ page, daemon }) {
      const created = await daemon.post('/api/v1/tickets', deliveryFor('+7 916 204-37-82'));
      assert.equal(created.status, 201);
      const ref = created.body.ref;
      await openBoard(page, daemon, '#logistics');
      await page.focus('#agent');
      await page.keyboard.type('Ольга');
      await tabTo(page, `${row(ref)} [data-action="claim"]`, 30);
      await page.keyboard.press('Enter');
      await until('the claim shown', async () => /взял\(а\): Ольга/.test(await page.textContent(row(ref))));
      assert.match(await page.textContent(row(ref)), /в работе/);
      assert.match(await page.textContent('#notice'), new RegExp(`${ref} теперь у вас`));

      await page.focus(`${row(ref)} [data-action="open"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#ticket-dialog[open]');
      assert.equal(await activeId(page), 'dialog-close');
      const view = await page.textContent('#ticket-body');
      assert.match(view, /Тему «Доставка: курьер не приехал, опоздал, трек не обновляется» выбрали правила/);
      assert.match(view, /«Курьер» \(body\)/, 'the trace names the words');
      assert.match(view, /Взял\(а\) Ольга/);
      assert.match(view, /40718263/, 'the fields, extracted order number included');
      assert.equal(await page.$('#use-runner-up'), null, 'a sure decision offers no runner-up');

      await tabTo(page, '#reroute-topic', 40);
      // A closed select moves through its options with the arrows: "keep the topic", then the
      // topics in rule order (product_quality, order_incomplete, ...).
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.inputValue('#reroute-topic'), 'order_incomplete');
      await tabTo(page, '#reroute-reason');
      await page.keyboard.type('клиент говорит, что заказ привезли, но не весь');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await until('the dialog closed', async () => !(await page.isVisible('#ticket-dialog')));
      await until('the ticket gone from logistics', async () => (await page.$(row(ref))) === null);
      assert.match(await page.textContent('#notice'), /перенаправлено/);

      const stored = await daemon.get(`/api/v1/tickets/${ref}`);
      assert.equal(stored.body.department, 'warehouse');
      assert.equal(stored.body.assignee, 'Ольга');
      const kinds = stored.body.events.map((e) => e.kind);
      assert.deepEqual(kinds, ['created', 'claimed', 'status_changed', 'rerouted']);
      assert.equal(stored.body.events[3].data.actor, 'Ольга');

      await page.click('[data-department="warehouse"]');
      await until('the ticket in the warehouse queue', async () => (await page.$(row(ref))) !== null);
    },
  },
  {
    name: 'an unsure ticket offers its runner-up in the ticket view and Alt+R moves it there',
    async run({ page, daemon }) {
      // Two topics' keywords at once (a double charge and a late courier): the rules are unsure.
      const created = await daemon.post('/api/v1/tickets',
        { ...deliveryFor('+7 916 204-37-89'), body: 'Двойное списание за заказ 40718290, а ещё курьер опоздал' });
      assert.equal(created.status, 201);
      const { ref, department, decision } = created.body;
      assert.ok(decision.runner_up && decision.confidence < 0.5, `an unsure decision: ${JSON.stringify(decision)}`);
      const runnerUp = (await daemon.get('/api/v1/schema')).body.topics.find((tp) => tp.id === decision.runner_up);
      await openBoard(page, daemon, `#${department}`);
      await page.fill('#agent', 'Ольга');
      await page.focus(`${row(ref)} [data-action="open"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#ticket-dialog[open]');
      assert.equal(await page.textContent('#use-runner-up'), `Не уверен — или «${runnerUp.title}»? (Alt+R)`);
      assert.equal(await activeId(page), 'dialog-close');
      await page.keyboard.press('Alt+KeyR');
      await until('the dialog closed', async () => !(await page.isVisible('#ticket-dialog')));
      assert.match(await page.textContent('#notice'), /перенаправлено/);

      const stored = await daemon.get(`/api/v1/tickets/${ref}`);
      assert.equal(stored.body.topic, runnerUp.id);
      assert.equal(stored.body.department, runnerUp.department);
      const moved = stored.body.events.at(-1);
      assert.equal(moved.kind, 'rerouted');
      assert.equal(moved.data.actor, 'Ольга');
      assert.match(moved.data.reason, /второй вариант/);
      // In the runner-up's queue now; once moved, nothing more is asked.
      await page.click(`[data-department="${runnerUp.department}"]`);
      await until('the ticket in the runner-up\'s queue', async () => (await page.$(row(ref))) !== null);
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.equal(await page.$('#use-runner-up'), null);
    },
  },
  {
    name: 'a reroute without a reason is refused on its field and a resolved ticket leaves the queue',
    async run({ page, daemon }) {
      const created = await daemon.post('/api/v1/tickets', deliveryFor('+7 916 204-37-83'));
      const ref = created.body.ref;
      await openBoard(page, daemon, '#logistics');
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      await page.selectOption('#reroute-topic', 'refund');
      await page.click('#ticket-body form.action:nth-of-type(2) button[type="submit"]');
      await until('the reason marked', async () => /Обязательное поле/.test(await page.textContent('#reroute-reason-error')));
      assert.equal(await activeId(page), 'reroute-reason');

      await page.selectOption('#status-select', 'resolved');
      await page.fill('#status-reason', 'курьер перезвонил и доставил');
      await page.click('#ticket-body form.action:nth-of-type(1) button[type="submit"]');
      await until('the new status', async () => /решено/.test(await page.textContent('#ticket-body .meta')));
      await page.click('#dialog-close');
      await until('the ticket gone from the open queue', async () => (await page.$(row(ref))) === null);
      // The board re-renders the queue after the row goes, and moves the focus when it has.
      await until('the focus on the next ticket of the queue, not the page',
        async () => (await page.evaluate(() => document.activeElement?.dataset.action)) === 'open');
      const stored = await daemon.get(`/api/v1/tickets/${ref}`);
      assert.equal(stored.body.status, 'resolved');
      assert.equal(stored.body.events.at(-1).data.reason, 'курьер перезвонил и доставил');
    },
  },
  {
    name: 'claiming a ticket someone else holds names them and offers to take it over',
    async run({ page, daemon }) {
      const ref = await boardWithTicket(page, daemon, '+7 916 204-37-84');
      assert.equal((await daemon.post(`/api/v1/tickets/${ref}/claim`, { assignee: 'Иван' })).status, 200);
      await page.click(`${row(ref)} [data-action="claim"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      await until('the holder named', async () => /уже взял\(а\) Иван/.test(await page.textContent('#claim-error')));
      // Worded so that no name has to be declined.
      assert.equal(await page.textContent('#dialog-claim'), 'Забрать себе (сейчас: Иван)');
      await page.click('#dialog-claim');
      await until('taken over', async () => /Забрал\(а\) себе Ольга \(было: Иван\)/.test(await page.textContent('#ticket-body')));
    },
  },
  {
    name: 'the ticket view shows the requester\'s other open tickets, and two tickets linked by hand are unlinked again',
    async run({ page, daemon }) {
      const phone = '8 916 123-45-67';
      const late = await daemon.post('/api/v1/tickets', { ...deliveryFor(phone), body: 'Курьер не приехал, заказ 51820937' });
      // Another order of the same customer: a ticket of its own, not a repeat.
      const other = await daemon.post('/api/v1/tickets', { ...deliveryFor('+7 (916) 123-45-67'), body: 'Курьер опоздал, заказ 62931048' });
      assert.equal(late.status, 201);
      assert.equal(other.status, 201);
      assert.equal(other.body.merged, false);
      const [a, b] = [late.body.ref, other.body.ref];
      await openBoard(page, daemon, '#logistics');
      await page.fill('#agent', 'Ольга');
      await page.click(`${row(a)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.match(await page.textContent('#other-open'), new RegExp(`${b} Доставка.* · новое`));
      assert.match(await page.textContent('#links'), /Связей нет/);

      await page.focus('#link-ref');
      await page.keyboard.type(b.toLowerCase().replace('-', ''));
      await page.selectOption('#link-kind', 'related');
      await page.fill('#link-reason', 'один адрес доставки');
      await page.click('#link-form button[type="submit"]');
      await until('the link shown', async () => (await page.$(`#links li[data-ref="${b}"]`)) !== null);
      assert.match(await page.textContent(`#links li[data-ref="${b}"]`), new RegExp(`Связано с ${b} · новое`));
      assert.match(await page.textContent('#dialog-notice'), new RegExp(`${a} связано с ${b}`));
      assert.equal(await activeId(page), 'link-ref', 'the focus stays in the form');
      const history = await page.textContent('#ticket-body .history');
      assert.match(history, new RegExp(`Связано с обращением ${b}`));
      assert.match(history, /Причина: один адрес доставки/);
      assert.match(history, /Ольга/);
      const there = await daemon.get(`/api/v1/tickets/${b}`);
      assert.deepEqual(there.body.links.map((l) => [l.ref, l.kind]), [[a, 'related']]);

      // The other ticket opens in the same view from its link.
      await page.click(`#links li[data-ref="${b}"] [data-action="open-other"]`);
      await until('the other ticket', async () => (await page.textContent('#ticket-title')).includes(b));
      assert.match(await page.textContent(`#links li[data-ref="${a}"]`), new RegExp(`Связано с ${a}`));
      await page.click(`#links li[data-ref="${a}"] [data-action="unlink"]`);
      await until('the link gone', async () => /Связей нет/.test(await page.textContent('#links')));
      assert.match(await page.textContent('#ticket-body .history'), new RegExp(`Снята связь с обращением ${a}`));
      assert.deepEqual((await daemon.get(`/api/v1/tickets/${a}`)).body.links, []);
    },
  },
  {
    name: 'a repeat report merged into a ticket reads as such in its history, and a wrong ref is refused on the link field',
    async run({ page, daemon }) {
      const phone = '+7 903 118-22-90';
      const first = await daemon.post('/api/v1/tickets', { ...deliveryFor(phone), body: 'Курьер не привёз заказ 73042159' });
      const again = await daemon.post('/api/v1/tickets', { ...deliveryFor('89031182290'), body: 'Курьер так и не привёз заказ 73042159' });
      assert.equal(again.status, 200);
      assert.equal(again.body.merged, true);
      assert.equal(again.body.ref, first.body.ref);
      await openBoard(page, daemon, '#logistics');
      await page.click(`${row(first.body.ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.match(await page.textContent('#ticket-body .history'),
        /Присоединено повторное обращение \(канал: phone; совпадает: номер заказа\)/);
      assert.match(await page.textContent('#ticket-body .messages'), /Курьер так и не привёз заказ 73042159/);
      await page.fill('#link-ref', 'ZZZ-ZZZ');
      await page.click('#link-form button[type="submit"]');
      await until('the error on the field', async () => /ZZZ-ZZZ/.test(await page.textContent('#link-error')));
      assert.equal(await activeId(page), 'link-ref');
      assert.equal(await page.getAttribute('#link-ref', 'aria-invalid'), 'true');
    },
  },
  {
    name: 'on a 390 by 844 phone the board and the ticket view fit the screen and every action is reachable',
    async run({ page, daemon }) {
      await page.setViewportSize({ width: 390, height: 844 });
      const ref = await boardWithTicket(page, daemon, '+7 916 204-37-90');
      const controls = 'a, button, input, select, textarea, summary';
      assert.deepEqual(await layoutProblems(page, controls), []);
      const labels = await page.$$eval(`${row(ref)} td`, (cells) => cells.map((c) => getComputedStyle(c, '::before').content));
      assert.ok(labels.includes('"Тема"') && labels.includes('"Действия"'), `a card names its cells: ${labels}`);

      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.deepEqual(await layoutProblems(page, '#ticket-dialog :is(button, input, select, textarea, a)'), []);
      await page.click('#dialog-claim');
      await until('claimed', async () => /Ольга/.test(await page.textContent('#ticket-body .meta')));
      assert.deepEqual(await layoutProblems(page, '#ticket-dialog :is(button, input, select, textarea, a)'), []);
      await page.click('#dialog-close');
      await until('the dialog closed', async () => !(await page.isVisible('#ticket-dialog')));
    },
  },
  {
    name: 'topic names are shown whole on the board at 1366 by 768',
    async run({ page, daemon }) {
      await daemon.post('/api/v1/tickets', deliveryFor('+7 916 204-37-91'));
      await openBoard(page, daemon, '#logistics');
      const cut = await page.$$eval('#ticket-rows td, #ticket-rows th', (cells) => cells
        .filter((c) => !c.classList.contains('text') && c.scrollWidth > c.clientWidth).map((c) => c.textContent));
      assert.deepEqual(cut, []);
    },
  },
  {
    name: 'rerouting the last ticket of a queue leaves the focus on its department and the history names topics by title',
    async run({ page, daemon }) {
      const pickup = (await daemon.get('/api/v1/schema')).body.topics.find((tp) => tp.id === 'pickup');
      const created = await daemon.post('/api/v1/tickets', { ...deliveryFor('+7 916 204-37-92'), topic: 'pickup',
        body: 'Не могу забрать заказ 40718290 в аптеке' });
      assert.equal(created.status, 201);
      const ref = created.body.ref;
      await openBoard(page, daemon, `#${pickup.department}`);
      await page.fill('#agent', 'Ольга');
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      await page.selectOption('#reroute-topic', 'delivery');
      await page.fill('#reroute-reason', 'это доставка курьером');
      await page.click('#ticket-body form.action:nth-of-type(2) button[type="submit"]');
      await until('the queue empty', async () => (await page.$(row(ref))) === null);
      await until('the focus on the department', () => page.evaluate((d) =>
        document.activeElement?.dataset?.department === d, pickup.department));

      await page.click('[data-department="logistics"]');
      await until('the ticket in logistics', async () => (await page.$(row(ref))) !== null);
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      const history = await page.textContent('#ticket-body .history');
      assert.match(history, /Перенаправлено: «Самовывоз из аптеки» \(Розничная сеть аптек\) → «Доставка: курьер не приехал.*» \(Логистика и доставка\)/);
      assert.doesNotMatch(history, /pickup|delivery\//);
    },
  },
  {
    name: 'a confirmation of an action taken in the ticket view is shown in front of it',
    async run({ page, daemon }) {
      const ref = await boardWithTicket(page, daemon, '+7 916 204-37-93');
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      await page.click('#dialog-claim');
      await until('the confirmation', async () => new RegExp(`${ref} теперь у вас`).test(await page.textContent('#dialog-notice')));
      const inFront = await page.$eval('#dialog-notice', (n) => {
        const r = n.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 10, r.top + r.height / 2);
        return r.width > 0 && n.contains(hit);
      });
      assert.ok(inFront, 'the confirmation is visible above the ticket view');
      await page.click('#dialog-close');
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.ok(await page.isHidden('#dialog-notice'), 'a ticket opened afresh has no old confirmation');
    },
  },
  {
    name: 'the ticket view lists a mail\'s attachments and links its raw message as downloads',
    async run({ page, daemon }) {
      const mail = ['From: Анна <anna.mail@example.ru>', 'To: support@shop.example', 'Subject: Курьер не приехал',
        'Message-ID: <attach-1@example.ru>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
        '--b1', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
        'Курьер не привёз заказ 40718295, чек во вложении.', '',
        '--b1', 'Content-Type: text/plain; name="receipt.txt"', 'Content-Disposition: attachment; filename="receipt.txt"', '',
        'Чек 40718295: 1500 руб.', '--b1--', ''].join('\r\n');
      const answer = await fetch(`${daemon.base}/api/v1/ingest/email?mailbox=support@shop.example`,
        { method: 'POST', headers: { 'Content-Type': 'message/rfc822' }, body: mail });
      const text = await answer.text();
      assert.equal(answer.status, 201, text);
      const { ticket } = JSON.parse(text);
      await openBoard(page, daemon, `#${ticket.department}`);
      await page.click(`${row(ticket.ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      const link = page.locator('#ticket-body .attachments a');
      assert.equal(await link.textContent(), 'receipt.txt');
      assert.match(await page.textContent('#ticket-body .attachments'), /receipt\.txt · text\/plain · \d+ Б/);
      const href = await link.getAttribute('href');
      assert.match(href, /^\/api\/v1\/attachments\/\d+$/);
      assert.equal(await link.getAttribute('download'), 'receipt.txt');
      const raw = page.locator('#ticket-body .raw a');
      assert.match(await raw.textContent(), /Исходное письмо/);
      assert.match(await raw.getAttribute('href'), /^\/api\/v1\/messages\/\d+\/raw$/);
      const download = await fetch(daemon.base + href);
      assert.equal(download.status, 200);
      assert.match(download.headers.get('content-disposition'), /^attachment/);

      // With an API key the link cannot carry it: the page fetches the file with the key.
      await page.evaluate(() => localStorage.setItem('triaged.apiKey', 'k-agent-1'));
      let sent = '';
      await page.route('**/api/v1/attachments/*', (route) => {
        sent = route.request().headers().authorization || '';
        route.fulfill({ status: 200, contentType: 'text/plain', headers: { 'Content-Disposition': 'attachment; filename="receipt.txt"' }, body: 'чек' });
      });
      const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.equal(sent, 'Bearer k-agent-1');
      assert.equal(file.suggestedFilename(), 'receipt.txt');
    },
  },
  {
    name: 'an agent inserts a canned answer and sends it as a reply and adds an internal note',
    async run({ page, daemon }) {
      // A customer's script in their name must stay text on the staff page.
      const created = await daemon.post('/api/v1/tickets', { ...DELIVERY,
        requester: { name: '<img src=x onerror="window.pwned=1">Анна', email: 'anna.reply@example.ru', phone: '+7 916 204-37-97' } });
      assert.equal(created.status, 201);
      const ref = created.body.ref;
      await openBoard(page, daemon, '#logistics');
      await page.fill('#agent', 'Ольга');
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.match(await page.textContent('#reply-to'), /anna\.reply@example\.ru/);
      const titles = await page.$$eval('#canned-select option', (o) => o.map((x) => x.textContent));
      assert.deepEqual(titles, ['Заказ передан курьеру', 'Уточнить адрес и время']);
      await page.click('#canned-insert');
      const inserted = await page.inputValue('#reply-text');
      assert.ok(inserted.includes(`Номер обращения: ${ref}.`), `the ref filled in: ${inserted}`);
      assert.ok(inserted.startsWith('<img src=x onerror="window.pwned=1">Анна, здравствуйте!'), `the name filled in as text: ${inserted}`);
      await page.fill('#reply-text', `Анна, здравствуйте! Курьер привезёт заказ сегодня. Номер обращения: ${ref}.`);
      await page.click('#reply-send');
      await until('the reply on the thread', async () => {
        const thread = await page.textContent('#ticket-body .messages');
        return thread.includes('Курьер привезёт заказ сегодня') && thread.includes('anna.reply@example.ru');
      });
      await until('the reply in the history', async () => /Ответ клиенту отправлен на anna\.reply@example\.ru/.test(await page.textContent('#ticket-body .history')));

      await page.fill('#note-text', 'Курьер Петров опаздывает третий раз <script>window.pwned=2</script>');
      await page.click('#note-add');
      await until('the note listed', async () => /Курьер Петров опаздывает третий раз <script>/.test(await page.textContent('#notes')));
      assert.match(await page.textContent('#notes'), /Ольга/);
      assert.equal(await page.evaluate(() => window.pwned), undefined, 'no customer or staff text ran as script');

      const ticket = await daemon.get(`/api/v1/tickets/${ref}`);
      assert.equal(ticket.body.notes.length, 1);
      assert.equal(ticket.body.messages.length, 1, 'the reply is the one message; the note is none');
      assert.ok(!JSON.stringify(ticket.body.messages).includes('Петров'));
      assert.equal(ticket.body.messages[0].direction, 'out');
    },
  },
  {
    name: 'a ticket without an e-mail address offers no reply and says why',
    async run({ page, daemon }) {
      const ref = await boardWithTicket(page, daemon, '+7 916 204-37-98');
      await page.click(`${row(ref)} [data-action="open"]`);
      await page.waitForSelector('#ticket-dialog[open]');
      assert.match(await page.textContent('#reply-to'), /нет адреса почты/);
      assert.equal(await page.isDisabled('#reply-send'), true);
      assert.equal(await page.isDisabled('#note-add'), false);
    },
  },
];
