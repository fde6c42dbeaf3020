// Issue 19's whole journey in a real browser, against the real daemon and an SMTP sink: a web
// ticket missing a field is held and acknowledged by mail; its link opens the status page on a
// phone, where the customer fills the field and the ticket is released into its queue; an agent
// answers from the ticket view (the reply reaches the sink, threaded) and resolves it; the
// survey mail's good link records the rating, and the stats count it for the department.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { binaryPath, startDaemon, until } from './harness.mjs';
import { decodedBody, headerOf, smtpSink } from './smtp_sink.mjs';
import { rulesWithSurvey } from './status.test.mjs';

const STATUS_LINK = /http:\/\/127\.0\.0\.1:\d+\/status#[0-9A-Za-z.-]+/;

export const tests = [
  {
    name: 'a held web ticket is completed on the status page answered by an agent by mail and resolved',
    async run({ browser }) {
      const sink = await smtpSink();
      // The example rule set with its satisfaction survey turned on.
      const rules = rulesWithSurvey();
      const daemon = await startDaemon(binaryPath(), ['--smtp-url', sink.url, '--rules', join(rules, 'rules.yaml')]);
      const phone = await browser.newContext({ locale: 'ru-RU', viewport: { width: 390, height: 844 } });
      const desk = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1366, height: 768 } });
      const pageErrors = [];
      try {
        // The shop's web form posts what the customer typed, without the order number, and asks
        // triaged to hold the ticket rather than refuse it: the customer has left the page.
        const created = await daemon.post('/api/v1/tickets', {
          subject: 'Курьер не приехал', body: 'Здравствуйте! Курьер так и не приехал, жду доставку третий день.',
          channel: 'web', on_missing: 'hold', requester: { name: 'Анна Петрова', email: 'anna.journey@example.ru' } });
        assert.equal(created.status, 202, JSON.stringify(created.body));
        assert.equal(created.body.status, 'needs_info');
        assert.deepEqual(created.body.missing.map((m) => m.field), ['order_id']);
        const ref = created.body.ref;

        await until('the acknowledgement in the sink', () => sink.messages.length === 1, 15000);
        const ack = sink.messages[0];
        assert.match(headerOf(ack, 'Subject'), new RegExp(`^\\[#${ref}\\] Обращение принято: Доставка`));
        assert.equal(headerOf(ack, 'In-Reply-To'), '', 'a web ticket\'s first mail answers no mail');
        const ackBody = decodedBody(ack);
        assert.match(ackBody, new RegExp(`под номером ${ref}`));
        assert.match(ackBody, /Номер заказа/);
        const link = STATUS_LINK.exec(ackBody)?.[0];
        assert.ok(link, `no status link in:\n${ackBody}`);

        // The customer opens the link on their phone and gives the order number.
        const page = await phone.newPage();
        page.on('pageerror', (e) => pageErrors.push(e.message));
        await page.goto(link);
        await until('the status in words', async () => (await page.getAttribute('#status', 'data-status')) === 'needs_info');
        assert.equal(await page.textContent('#ref'), ref);
        assert.match(await page.textContent('#thread'), /жду доставку третий день/);
        await page.fill('#field-order_id', '6220195');
        await page.click('#missing-form button[type=submit]');
        await until('the field marked with its reason', async () =>
          /«6220195» не подходит/.test(await page.textContent('#field-order_id-error')));
        assert.equal(await page.getAttribute('#field-order_id', 'aria-invalid'), 'true');
        await page.fill('#field-order_id', '62201957');
        await page.click('#missing-form button[type=submit]');
        await until('the ticket released', async () => (await page.getAttribute('#status', 'data-status')) === 'new');

        // Released into its department's queue, with its SLA clock running.
        const released = await daemon.get(`/api/v1/tickets/${ref}`);
        assert.equal(released.body.status, 'new');
        assert.equal(released.body.department, 'logistics');
        assert.equal(released.body.fields.order_id, '62201957');
        assert.ok(released.body.due_at, 'a due time once released');
        const kinds = released.body.events.map((e) => e.kind);
        for (const kind of ['customer_fields', 'fields_completed', 'status_changed']) assert.ok(kinds.includes(kind), `${kind} in ${kinds}`);

        // An agent finds it on the logistics board and answers from the ticket view.
        const board = await desk.newPage();
        board.on('pageerror', (e) => pageErrors.push(e.message));
        await board.goto(`${daemon.base}/queues#logistics`);
        await board.waitForSelector('body[data-ready="true"]');
        await board.fill('#agent', 'Ольга');
        await until('the ticket on the board', async () => (await board.$(`tr[data-ref="${ref}"]`)) !== null);
        await board.click(`tr[data-ref="${ref}"] [data-action="open"]`);
        await board.waitForSelector('#ticket-dialog[open]');
        const shown = await board.textContent('#ticket-body .messages');
        assert.ok(!shown.includes('{status_link}'), 'the queued acknowledgement shows no raw placeholder');
        assert.match(shown, /личная ссылка клиента на страницу статуса/);
        await board.fill('#reply-text', 'Анна, здравствуйте! Курьер привезёт заказ 62201957 завтра до 14:00.');
        await board.click('#reply-send');
        await until('the reply on the thread', async () => /завтра до 14:00/.test(await board.textContent('#ticket-body .messages')));

        // The reply reaches the customer's mailbox threaded under the acknowledgement.
        await until('the reply in the sink', () => sink.messages.length === 2, 15000);
        const reply = sink.messages[1];
        assert.equal(headerOf(reply, 'In-Reply-To'), headerOf(ack, 'Message-ID'));
        assert.ok(headerOf(reply, 'References').includes(headerOf(ack, 'Message-ID')));
        assert.match(headerOf(reply, 'Subject'), new RegExp(`^Re: \\[#${ref}\\] Курьер не приехал$`));
        const replyBody = decodedBody(reply);
        assert.match(replyBody, /завтра до 14:00/);
        assert.match(replyBody, STATUS_LINK);

        // The customer sees the answer on the page too.
        await page.reload();
        await until('the answer on the status page', async () => /завтра до 14:00/.test(await page.textContent('#thread')));

        // The agent resolves it.
        await board.selectOption('#status-select', 'resolved');
        await board.fill('#status-reason', 'клиентка подтвердила время доставки');
        await board.click('#ticket-body form.action:nth-of-type(1) button[type="submit"]');
        await until('the new status', async () => /решено/.test(await board.textContent('#ticket-body .meta')));
        const resolved = await daemon.get(`/api/v1/tickets/${ref}`);
        assert.equal(resolved.body.status, 'resolved');

        // The survey reaches the customer once, threaded like the rest; its good link opens the
        // status page, which records the choice.
        await until('the survey in the sink', () => sink.messages.length === 3, 15000);
        const survey = sink.messages[2];
        assert.ok(headerOf(survey, 'References').includes(headerOf(ack, 'Message-ID')));
        const good = /http:\/\/127\.0\.0\.1:\d+\/status\?rate=good#[0-9A-Za-z.-]+/.exec(decodedBody(survey))?.[0];
        assert.ok(good, `no good link in:\n${decodedBody(survey)}`);
        const token = good.slice(good.indexOf('#') + 1);
        await page.goto(good);
        await until('the good rating recorded', async () =>
          (await daemon.get(`/api/v1/status/rating?token=${encodeURIComponent(token)}`)).body.rating === 'good');

        // The stats count it for the department the ticket was resolved in.
        const stats = await daemon.get('/api/v1/stats');
        assert.equal(stats.status, 200, JSON.stringify(stats.body));
        const logistics = stats.body.csat.departments.find((d) => d.name === 'logistics');
        assert.ok(logistics, JSON.stringify(stats.body.csat));
        assert.equal(logistics.good, 1);
        assert.equal(logistics.bad, 0);

        assert.deepEqual(pageErrors, []);
      } finally {
        await phone.close();
        await desk.close();
        await daemon.stop();
        sink.close();
        rmSync(rules, { recursive: true, force: true });
      }
    },
  },
];
