// node tests/browser/status_screenshot.mjs --binary build/bin/triaged [--out docs]
// Writes docs/status-page.png: the customer's status page of a needs_info mail ticket on a
// 390×844 phone, opened by its signed link (the token from a lookup by reference and e-mail).
import { join, resolve } from 'node:path';
import { launchBrowser, startDaemon } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const binary = option('--binary');
const out = resolve(option('--out', join(new URL('.', import.meta.url).pathname, '../../docs')));
if (!binary) { console.error('usage: status_screenshot.mjs --binary PATH/triaged [--out DIR]'); process.exit(2); }

const mail = ['From: Anna Petrova <anna.petrova@example.ru>', 'To: support@shop.example',
  'Subject: =?UTF-8?B?0JrRg9GA0YzQtdGAINC90LUg0L/RgNC40LXRhdCw0Ls=?=', 'Message-ID: <shot@example.ru>',
  'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
  'Здравствуйте! Курьер так и не приехал, жду доставку третий день.', 'Анна', ''].join('\r\n');

const daemon = await startDaemon(binary);
const browser = await launchBrowser();
try {
  const created = await (await fetch(`${daemon.base}/api/v1/ingest/email?mailbox=support@shop.example`,
    { method: 'POST', headers: { 'Content-Type': 'message/rfc822' }, body: mail })).json();
  const found = await daemon.post('/api/v1/status/lookup', { ref: created.ticket.ref, contact: 'anna.petrova@example.ru' });
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${daemon.base}/status#${found.body.token}`);
  await page.waitForSelector('#missing:not([hidden])');
  await page.screenshot({ path: join(out, 'status-page.png'), fullPage: true });
  console.log(`wrote ${join(out, 'status-page.png')}`);
} finally {
  await browser.close();
  await daemon.stop();
}
