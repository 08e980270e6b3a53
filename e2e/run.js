#!/usr/bin/env node
// Runs the browser tests (Playwright, Debian's Chromium) when a Chromium is on this machine, and says
// plainly that they were skipped when none is. `.ci/run` installs Chromium and sets
// CARREL_REQUIRE_BROWSER=1, so in CI a missing browser is a failure, never a silent skip.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const chromium = process.env.CARREL_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const message = `Browser tests skipped: no Chromium at ${chromium} (install it with \`apt-get install -y chromium\`, or set CARREL_CHROMIUM).`;
  if (process.env.CARREL_REQUIRE_BROWSER === '1') {
    console.error(`${message}\nCARREL_REQUIRE_BROWSER=1: failing.`);
    process.exit(1);
  }
  console.log(message);
  process.exit(0);
}
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
// The run's temporary files (the served database, the browser's profiles) go under one folder, removed at
// the end, so a run leaves nothing behind in the machine's temporary folder.
const runDir = mkdtempSync(join(tmpdir(), 'carrel-e2e-run-'));
const result = spawnSync(process.execPath, [cli, 'test', '--config', 'e2e/playwright.config.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runDir },
});
rmSync(runDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
