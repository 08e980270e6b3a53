#!/usr/bin/env node
// `npm test`: the unit and end-to-end suite (vitest, both engines) and the browser tests (Playwright,
// e2e/run.js) side by side. The browser tests spend most of their time waiting on the page, so beside the
// suite, which keeps both cores busy, they add little to the time of the whole. Vitest's output streams as
// it comes; the browser tests' output is held and printed as one block when they end, so the two never
// interleave. The exit status is the first failure's, 0 when both pass.
import { spawn } from 'node:child_process';

function run(command, args, { buffered }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const chunks = [];
    if (buffered) {
      child.stdout.on('data', (chunk) => chunks.push(chunk));
      child.stderr.on('data', (chunk) => chunks.push(chunk));
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString('utf8') }));
  });
}

const started = Date.now();
const browser = run(process.execPath, ['e2e/run.js'], { buffered: true });
const unit = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], { buffered: false });
const seconds = () => Math.round((Date.now() - started) / 1000);
process.stdout.write(`\n== vitest ${unit.code === 0 ? 'passed' : 'failed'} after ${seconds()} s; waiting for the browser tests\n`);
const e2e = await browser;
process.stdout.write(`\n== Browser tests (e2e/run.js), ${e2e.code === 0 ? 'passed' : 'failed'}, after ${seconds()} s in all:\n${e2e.output}\n`);
process.exit(unit.code !== 0 ? unit.code : e2e.code);
