#!/usr/bin/env node
// The operator's command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare) and `npm start`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('carrel: the compiled sources are missing; run `npm run build` in the Carrel folder first.\n');
  process.exit(1);
}
await import(entry.href);
