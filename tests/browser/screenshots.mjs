// node tests/browser/screenshots.mjs --binary build/bin/triaged [--out docs]
// Writes the README's pictures of the pages at 1366×768: the intake form mid-call (a returning
// customer), the queue board, and a ticket's view; and the board on a 390×844 phone; against a
// daemon with a few tickets from the example rules.
import { join, resolve } from 'node:path';
import { launchBrowser, startDaemon, until } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const binary = option('--binary');
const out = resolve(option('--out', join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../docs')));
if (!binary) { console.error('usage: screenshots.mjs --binary PATH/triaged [--out DIR]'); process.exit(2); }

const tickets = [
  { body: 'Курьер не приехал, заказ 40718263 так и не привезли, никто не позвонил', requester: { name: 'Анна Петрова', phone: '+7 916 204-37-81' } },
  { body: 'Где мой заказ 51820937? Трек не обновляется третий день', requester: { name: 'Игорь С.', email: 'igor@example.ru' } },
  { body: 'Курьер опоздал на два часа, заказ 62931048', requester: { name: 'Мария', phone: '+7 903 118-22-90' } },
  { body: 'Посылка в пути уже неделю, заказ 73042159', requester: { name: 'Олег', phone: '8 (912) 448-30-17' } },
  { body: 'Списали деньги дважды за заказ 84153260', requester: { name: 'Светлана', email: 'sveta@example.ru' } },
];

const daemon = await startDaemon(binary);
const browser = await launchBrowser();
try {
  for (const t of tickets) {
    const r = await daemon.post('/api/v1/tickets', { ...t, channel: 'phone' });
    if (r.status !== 201) throw new Error(`seed ticket: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const refs = (await daemon.get('/api/v1/tickets?department=logistics')).body.tickets.map((t) => t.ref);
  await daemon.post(`/api/v1/tickets/${refs[0]}/claim`, { assignee: 'Ольга' });

  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${daemon.base}/`);
  await page.waitForSelector('body[data-ready="true"]');
  // Anna calls again, about another order: the form knows her (the first seed ticket).
  await page.keyboard.type('Клиентка говорит, что курьер так и не приехал, заказ 40718270 ждала весь день');
  await until('the suggestion', () => page.$eval('#topic', (s) => s.value === 'delivery'));
  await page.focus('#f-phone');
  await page.keyboard.type('8 916 204-37-81');
  await until('the known customer', () => page.isVisible('#f-name-history'));
  await page.screenshot({ path: join(out, 'web-intake.png') });
  await page.keyboard.press('Control+Enter');
  await until('the reference', async () => /-/.test(await page.textContent('#result-ref')));
  await page.screenshot({ path: join(out, 'web-intake-created.png') });
  const again = await page.textContent('#result-ref');
  await daemon.post(`/api/v1/tickets/${again}/link`, { ticket: refs.at(-1), kind: 'related', reason: 'один адрес, один курьер', actor: 'Ольга' });

  // Three hours on, so ages and deadlines read like a working day's.
  await page.clock.install({ time: Date.now() + 3 * 3600e3 });
  await page.addInitScript(() => localStorage.setItem('triaged.agent', 'Ольга'));
  await page.goto(`${daemon.base}/queues#logistics`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.screenshot({ path: join(out, 'web-queues.png') });
  await page.click(`tr[data-ref="${refs.at(-1)}"] [data-action="open"]`);
  await page.waitForSelector('#ticket-dialog[open]');
  await page.screenshot({ path: join(out, 'web-ticket.png') });

  // The same board on a 390×844 phone: one column, the rows as cards.
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => document.querySelector('.queue').scrollIntoView());
  await page.screenshot({ path: join(out, 'web-queues-phone.png') });
  console.log(`wrote web-intake.png, web-intake-created.png, web-queues.png, web-ticket.png, web-queues-phone.png to ${out}`);
} finally {
  await browser.close();
  await daemon.stop();
}
