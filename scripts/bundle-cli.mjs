// Bundles the compiled command line (dist/src/cli/main.js) with Carrel's own modules and the pure-JavaScript
// libraries every command loads (kysely, typebox, commander, the message formatter…) into a few files
// beside it, which bin/carrel.js runs. Each `carrel` command then starts in about half the time: Node reads
// a handful of files instead of some 1,300. Native addons, the servers' libraries (loaded by `carrel start`
// only) and anything that reads files beside its own module stay in node_modules.
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';

const BUNDLED = [/^kysely(\/|$)/, /^typebox(\/|$)/, /^commander(\/|$)/, /^luxon(\/|$)/, /^@formatjs\//, /^intl-messageformat(\/|$)/, /^yaml(\/|$)/, /^csv-parse(\/|$)/, /^croner(\/|$)/, /^cli-progress(\/|$)/, /^bcryptjs(\/|$)/, /^marcjs(\/|$)/];

/** Bundles `out`/src/cli/main.js (a compiled tree: dist/, or dist.next/ during a whole build) beside itself. */
export async function bundleCli(out, root = process.cwd()) {
  const CLI = join(out, 'src', 'cli');
  for (const file of readdirSync(CLI)) if (file === 'carrel.bundle.js' || file.startsWith('bundle-')) rmSync(join(CLI, file));
  const bundle = await rolldown({
    input: join(CLI, 'main.js'),
    platform: 'node',
    // Relative imports are Carrel's own modules; a bare import is bundled only when listed above.
    external: (id, importer) => importer !== undefined && !id.startsWith('.') && !id.startsWith('/') && !BUNDLED.some((pattern) => pattern.test(id)),
    logLevel: 'warn',
  });
  await bundle.write({ dir: CLI, format: 'esm', entryFileNames: 'carrel.bundle.js', chunkFileNames: 'bundle-[name]-[hash].js' });
  await bundle.close();
  // The demo library's catalogue is read from beside the module that loads it.
  copyFileSync(join(root, 'src', 'demo', 'demo-catalogue.mrc'), join(CLI, 'demo-catalogue.mrc'));
}

// `node scripts/bundle-cli.mjs [OUT]`: bundles OUT (dist by default) on its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bundleCli(process.argv[2] ?? 'dist');
