// The browser tests' harness: the real triaged binary on a free port with a temporary
// database, Debian's chromium driven by playwright-core (never a downloaded browser), and a
// tiny runner that prints one line per test and exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.TRIAGED_CHROMIUM || '/usr/bin/chromium';

// The triaged binary run.mjs was given, for suites that start a daemon of their own.
export function binaryPath() {
  const i = process.argv.indexOf('--binary');
  return process.argv[i + 1];
}

// Starts `binary --listen 127.0.0.1:0 --db <temp>/t.db` and resolves once it prints its port.
export async function startDaemon(binary, extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'triaged-browser-'));
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--db', join(dir, 't.db'), '--log-level', 'warn', ...extraArgs],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`triaged printed no port in 15 s; stderr:\n${stderr}`)), 15000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /triaged listening on [^\s]+:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`triaged exited with ${code}; stderr:\n${stderr}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    // POST JSON to the API directly, for a test's setup.
    async post(path, body) {
      const res = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async get(path) {
      const res = await fetch(base + path);
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timeout = new Promise((resolve) => setTimeout(resolve, 15000, 'timeout'));
        if (await Promise.race([exited, timeout]) === 'timeout') child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is not installed: run scripts/setup (it runs npm ci)');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/setup (it installs Debian's chromium)`);
  // The flags keep chromium off the network it has no business with on a closed machine.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// Polls `check` (which returns a truthy value or throws) until it holds; fails naming `what`.
export async function until(what, check, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = `got ${JSON.stringify(value)}`;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Presses Tab until `selector` has the focus, at most `max` times: proves it is reachable by
// keyboard from where the focus is, in that many steps.
export async function tabTo(page, selector, max = 12) {
  for (let i = 0; i < max; ++i) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return i;
    await page.keyboard.press('Tab');
  }
  if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return max;
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`${selector} not reached with ${max} Tabs; the focus is on ${at}`);
}

export const activeId = (page) => page.evaluate(() => document.activeElement?.id || '');

// Checks a page fits a narrow screen: nothing wider than the viewport, and every element that
// `selector` matches (the page's controls) can be scrolled into view and is then inside the
// screen and not covered by anything. Returns what fails, described; [] when all is well.
export async function layoutProblems(page, selector) {
  return page.evaluate(async (sel) => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) problems.push(`the page is ${root.scrollWidth} px wide on a ${innerWidth} px screen`);
    const dialog = document.querySelector('dialog[open]');
    if (dialog && dialog.scrollWidth > dialog.clientWidth) problems.push(`the open dialog is ${dialog.scrollWidth} px wide inside ${dialog.clientWidth} px`);
    for (const el of document.querySelectorAll(sel)) {
      if (el.closest('[hidden], details:not([open]) > :not(summary)') || el.getClientRects().length === 0) continue;
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      await new Promise((r) => requestAnimationFrame(r));
      const r = el.getBoundingClientRect();
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
      if (r.left < 0 || r.right > innerWidth + 0.5 || r.top < 0 || r.bottom > innerHeight + 0.5) {
        problems.push(`${name} is not on screen: ${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`);
        continue;
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(el === hit || el.contains(hit))) problems.push(`${name} is covered by ${hit?.outerHTML.slice(0, 60)}`);
    }
    return problems;
  }, selector);
}

// Runs each test of `suites` ({name: [{name, locale?, run}]}) in a fresh browser context at
// 1366×768 against one daemon per suite. Prints "ok"/"FAIL" lines and returns the failures.
export async function runSuites(binary, suites, { only } = {}) {
  let failures = 0;
  for (const [suiteName, tests] of Object.entries(suites)) {
    const started = Date.now();
    const daemon = await startDaemon(binary);
    const browser = await launchBrowser();
    try {
      for (const test of tests) {
        if (only && !test.name.includes(only)) continue;
        const t0 = Date.now();
        const context = await browser.newContext({ locale: test.locale || 'ru-RU', viewport: { width: 1366, height: 768 } });
        const page = await context.newPage();
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        // Chromium logs every 4xx answer as an error; the tests provoke those on purpose.
        page.on('console', (m) => {
          if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${m.text()}`);
        });
        try {
          await test.run({ page, daemon, context, browser });
          if (pageErrors.length) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
          console.log(`ok   ${suiteName}: ${test.name} (${Date.now() - t0} ms)`);
        } catch (e) {
          failures++;
          const seen = pageErrors.length ? `\npage errors: ${pageErrors.join('\n')}` : '';
          console.log(`FAIL ${suiteName}: ${test.name} (${Date.now() - t0} ms)\n     ${String(e.stack || e).replace(/\n/g, '\n     ')}${seen}`);
        } finally {
          await context.close();
        }
      }
    } finally {
      await browser.close();
      await daemon.stop();
    }
    console.log(`${suiteName}: ${Date.now() - started} ms in all`);
  }
  return failures;
}
