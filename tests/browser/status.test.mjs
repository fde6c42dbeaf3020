// The customer's status page in a real browser: the link from the acknowledgement mail opens
// it on a phone screen, the missing field is filled in, and the ticket is released into its
// queue. Its own daemon, with a tiny SMTP sink, so the link is the one the mail carried.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryPath, layoutProblems, startDaemon, until } from './harness.mjs';
import { decodedBody, smtpSink } from './smtp_sink.mjs';

const LATE_COURIER = [
  'From: Anna Petrova <anna.petrova@example.ru>', 'To: support@shop.example',
  'Subject: =?UTF-8?B?0JrRg9GA0YzQtdGAINC90LUg0L/RgNC40LXRhdCw0Ls=?=', 'Message-ID: <status-page@example.ru>',
  'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
  'Здравствуйте! Курьер так и не приехал, жду доставку третий день.', 'Анна', ''].join('\r\n');

// The example rule set with the satisfaction survey on (its built-in Russian texts), beside
// the model file it names. Returns the folder; the rules are rules.yaml in it.
export function rulesWithSurvey() {
  const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'eshop-ru');
  const dir = mkdtempSync(join(tmpdir(), 'triaged-survey-rules-'));
  writeFileSync(join(dir, 'rules.yaml'), `${readFileSync(join(examples, 'rules.yaml'), 'utf8')}\nsatisfaction:\n`);
  copyFileSync(join(examples, 'model.txt'), join(dir, 'model.txt'));
  return dir;
}

export const tests = [
  {
    name: 'the link from the acknowledgement opens the status page where the missing field releases the ticket',
    async run({ browser }) {
      const sink = await smtpSink();
      const daemon = await startDaemon(binaryPath(), ['--smtp-url', sink.url]);
      const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 390, height: 844 } });
      try {
        const page = await context.newPage();
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        const ingest = await fetch(`${daemon.base}/api/v1/ingest/email?mailbox=support@shop.example`,
                                   { method: 'POST', headers: { 'Content-Type': 'message/rfc822' }, body: LATE_COURIER });
        const created = await ingest.json();
        assert.equal(created.outcome, 'needs_info', JSON.stringify(created));
        const ref = created.ticket.ref;

        await until('the acknowledgement in the sink', () => sink.messages.length === 1, 10000);
        const body = decodedBody(sink.messages[0]);
        assert.match(body, new RegExp(`под номером ${ref}`));
        const link = /http:\/\/127\.0\.0\.1:\d+\/status#[0-9A-Za-z.-]+/.exec(body)?.[0];
        assert.ok(link, `no status link in:\n${body}`);

        await page.goto(link);
        await until('the status in words', async () => /Ждём от вас недостающие данные/.test(await page.textContent('#status')));
        assert.equal(await page.textContent('#ref'), ref);
        assert.deepEqual(await layoutProblems(page, 'input, select, textarea, button'), []);

        // A message with markup in it shows as text, never as markup.
        await page.fill('#message-text', '<img src=x onerror="window.pwned=1">Есть новости?');
        await page.click('#message-form button[type=submit]');
        await until('the message in the thread', async () => /<img src=x/.test(await page.textContent('#thread')));
        assert.equal(await page.evaluate(() => window.pwned), undefined);
        assert.equal(await page.$$eval('#thread img', (images) => images.length), 0);

        await page.fill('#field-order_id', '12');
        await page.click('#missing-form button[type=submit]');
        await until('the field marked invalid', async () => (await page.getAttribute('#field-order_id', 'aria-invalid')) === 'true');

        await page.fill('#field-order_id', '62201957');
        await page.click('#missing-form button[type=submit]');
        await until('the ticket released', async () => (await page.getAttribute('#status', 'data-status')) === 'new');
        await until('the form gone', async () => page.$eval('#missing', (s) => s.hidden));
        const staff = await daemon.get(`/api/v1/tickets/${ref}`);
        assert.equal(staff.body.status, 'new');
        assert.equal(staff.body.fields.order_id, '62201957');

        // The page also speaks English.
        await page.selectOption('#lang', 'en');
        await until('English words', async () => /Received and waiting/.test(await page.textContent('#status')));
        assert.deepEqual(pageErrors, []);
      } finally {
        await context.close();
        await daemon.stop();
        sink.close();
      }
    },
  },
  {
    name: 'a lookup by reference and contact opens the page and a wrong contact is refused',
    async run({ page, daemon }) {
      const created = await daemon.post('/api/v1/tickets', {
        body: 'Курьер не приехал, заказ 40718263 так и не привезли', channel: 'web',
        requester: { name: 'Анна Петрова', email: 'anna@example.ru', phone: '+7 916 204-37-81' } });
      assert.equal(created.status, 201);
      await page.goto(`${daemon.base}/status`);
      await page.waitForSelector('#lookup:not([hidden])');
      await page.fill('#lookup-ref', created.body.ref);
      await page.fill('#lookup-contact', 'someone@example.ru');
      await page.click('#lookup-form button[type=submit]');
      await until('the refusal', async () => /Не нашли/.test(await page.textContent('#lookup-error')));
      await page.fill('#lookup-contact', '8 916 204 37 81');
      await page.click('#lookup-form button[type=submit]');
      await until('the ticket', async () => (await page.textContent('#ref')) === created.body.ref);
      assert.match(await page.textContent('#status'), /Принято/);
      assert.match(page.url(), /#\d+\./);
    },
  },
  {
    name: 'the good link of the survey mail records the rating on a phone and the customer changes it with a comment',
    async run({ browser }) {
      const sink = await smtpSink();
      const rules = rulesWithSurvey();
      const daemon = await startDaemon(binaryPath(), ['--smtp-url', sink.url, '--rules', join(rules, 'rules.yaml')]);
      const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 390, height: 844 } });
      try {
        const page = await context.newPage();
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        const created = await daemon.post('/api/v1/tickets', {
          body: 'Курьер не приехал, заказ 40718263 так и не привезли', channel: 'web',
          requester: { name: 'Анна Петрова', email: 'anna@example.ru', phone: '+7 916 204-37-81' } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const ref = created.body.ref;
        const resolved = await daemon.post(`/api/v1/tickets/${ref}/status`, { status: 'resolved', actor: 'Ольга' });
        assert.equal(resolved.status, 200);

        await until('the survey in the sink', () => sink.messages.some((m) => /rate=good/.test(decodedBody(m))), 10000);
        const survey = decodedBody(sink.messages.find((m) => /rate=good/.test(decodedBody(m))));
        assert.match(survey, new RegExp(`Ваше обращение ${ref}`));
        const good = /http:\/\/127\.0\.0\.1:\d+\/status\?rate=good#[0-9A-Za-z.-]+/.exec(survey)?.[0];
        assert.ok(good, `no good link in:\n${survey}`);
        const token = good.slice(good.indexOf('#') + 1);
        const rating = async () => (await daemon.get(`/api/v1/status/rating?token=${encodeURIComponent(token)}`)).body;

        // Fetching the link as a scanner would records nothing: the token is in the fragment.
        assert.equal((await fetch(good)).status, 200);
        assert.equal((await rating()).rating, null);

        await page.goto(good);
        await until('the good choice recorded', async () => (await rating()).rating === 'good');
        await until('the choice shown', async () => (await page.getAttribute('#rate-good', 'aria-pressed')) === 'true');
        assert.doesNotMatch(page.url(), /rate=/);
        assert.deepEqual(await layoutProblems(page, '#rating button, #rating textarea'), []);

        await page.click('#rate-bad');
        await until('the change to bad', async () => (await rating()).rating === 'bad');
        await page.fill('#rating-comment', '<img src=x onerror="window.pwned=1">Долго ждали');
        await page.click('#rating-form button[type=submit]');
        await until('the comment stored', async () => /Долго ждали/.test((await rating()).comment));
        assert.equal(await page.evaluate(() => window.pwned), undefined);
        assert.match(await page.textContent('#rating-note'), /Спасибо за оценку/);

        // A reload does not record the link's choice again over the change.
        await page.reload();
        await until('the rating shown after the reload', async () => (await page.getAttribute('#rate-bad', 'aria-pressed')) === 'true');
        assert.equal((await rating()).rating, 'bad');
        assert.deepEqual(pageErrors, []);
      } finally {
        await context.close();
        await daemon.stop();
        sink.close();
        rmSync(rules, { recursive: true, force: true });
      }
    },
  },
];
