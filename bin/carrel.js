#!/usr/bin/env node
// The operator's command. `npm ci` (prepare) and `npm start` compile the TypeScript sources to dist/ and
// bundle the command line into dist/src/cli/carrel.bundle.js (scripts/bundle-cli.mjs), which starts in
// about half the time of the separate modules; those are the fallback when the bundle is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/src/cli/carrel.bundle.js', import.meta.url);
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(bundle))) await import(bundle.href);
else if (existsSync(fileURLToPath(entry))) await import(entry.href);
else {
  process.stderr.write('carrel: the compiled sources are missing; run `npm run build` in the Carrel folder first.\n');
  process.exit(1);
}
