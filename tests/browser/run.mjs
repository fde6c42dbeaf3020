// node tests/browser/run.mjs --binary PATH/triaged SUITE... [--only TEXT]
// Runs the named suites (intake, queues, status, journey) against the real daemon in headless chromium.
import { runSuites } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const binary = option('--binary');
const only = option('--only');
if (!binary || args.length === 0) {
  console.error('usage: run.mjs --binary PATH/triaged SUITE... [--only TEXT]   (suites: intake, queues, status, journey)');
  process.exit(2);
}
const known = { intake: './intake.test.mjs', queues: './queues.test.mjs', status: './status.test.mjs',
                journey: './journey.test.mjs' };
const suites = {};
for (const name of args) {
  if (!known[name]) { console.error(`unknown suite ${name}`); process.exit(2); }
  suites[name] = (await import(known[name])).tests;
}
try {
  process.exit(await runSuites(binary, suites, { only }) ? 1 : 0);
} catch (e) {
  console.error(String(e.stack || e));
  process.exit(1);
}
