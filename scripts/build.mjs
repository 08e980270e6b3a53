#!/usr/bin/env node
/**
 * Builds Carrel into dist/ (the server, the benchmarks and the web app), and knows whether dist/ is the
 * build of the sources as they are now, so that `npm start`, `npm test`, the benchmarks and `npx carrel`
 * start in seconds instead of rebuilding every time.
 *
 *   node scripts/build.mjs              build now (npm run build)
 *   node scripts/build.mjs --if-stale   build only if dist/ is not the build of the sources (npm start,
 *                                       prepare, pretest, the benchmarks)
 *   node scripts/build.mjs --check      say whether dist/ is current: exit 0 if it is, 1 if not
 *   node scripts/build.mjs server|web   build one part (npm run build:server, build:web)
 *
 * "Current" means: dist/.build-inputs.json, written at the end of a whole build, holds the SHA-256 of
 * every input the build read (src/ and bench/ without their tests, web/, locales/, the tsconfig files,
 * package.json, package-lock.json and the build scripts), and each of them still has that content. A
 * content hash, not mtimes: a checkout that changes nothing, or a copied tree, is still current; the
 * hashes are taken before the build starts, so a file edited during a build makes the next check stale.
 *
 * A whole build is written to dist.next/ and then moved into place, so a Carrel already running from
 * dist/ never reads a half-written build (it keeps the code it loaded until it is restarted; the line on
 * stderr says so). A part build, or a failed one, removes the record: the next check rebuilds.
 * CARREL_BUILD_ROOT names another copy of Carrel to look at (the test of this script uses it).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.CARREL_BUILD_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const DIST = join(root, 'dist');
const NEXT = join(root, 'dist.next');
const RECORD = '.build-inputs.json';

/** Folders the build reads (every file in them but tests), and single files it reads. */
const INPUT_DIRS = ['src', 'bench', 'web', 'locales', 'profiles'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/bundle-cli.mjs', 'scripts/parse-profiles.mjs', 'scripts/check-messages.mjs'];
const isTest = (path) => /\.test\.tsx?$/.test(path);

/** path (relative to `root`, with /) → SHA-256 of its content, for every input of the build that exists. */
export function inputHashes(root) {
  const hashes = {};
  const add = (path) => {
    hashes[relative(root, path).split(sep).join('/')] = createHash('sha256').update(readFileSync(path)).digest('hex');
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.isFile() && !isTest(entry.name)) add(path);
    }
  };
  for (const dir of INPUT_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  for (const file of INPUT_FILES) if (existsSync(join(root, file))) add(join(root, file));
  return hashes;
}

/** Records in `dist` the inputs it was built from (the hashes taken before the build started). */
export function recordBuild(dist, inputs) {
  writeFileSync(join(dist, RECORD), `${JSON.stringify({ builtAt: new Date().toISOString(), inputs }, null, 1)}\n`);
}

/** Whether `root`/dist/ is the build of the sources: `{ current: true }`, or why not (the inputs that differ). */
export function buildState(root) {
  const dist = join(root, 'dist');
  const recordPath = join(dist, RECORD);
  if (!existsSync(join(dist, 'src', 'cli', 'main.js')) || !existsSync(join(dist, 'web', 'index.html'))) return { current: false, reason: 'dist/ has no build' };
  if (!existsSync(recordPath)) return { current: false, reason: 'dist/ was not built by a whole build (no dist/.build-inputs.json)' };
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(recordPath, 'utf8')).inputs;
  } catch {
    return { current: false, reason: 'dist/.build-inputs.json is unreadable' };
  }
  const now = inputHashes(root);
  const changed = [...new Set([...Object.keys(now), ...Object.keys(recorded ?? {})])].filter((path) => now[path] !== recorded?.[path]).sort();
  if (changed.length === 0) return { current: true };
  const named = changed.slice(0, 3).join(', ') + (changed.length > 3 ? ` and ${changed.length - 3} more` : '');
  return { current: false, reason: `changed since the last build: ${named}`, changed };
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: false });
  if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);

/** The server (and the benchmarks), compiled into `out`, and the command line bundled beside it. */
function buildServer(out) {
  run(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', out]);
  mkdirSync(join(out, 'src', 'demo'), { recursive: true });
  copyFileSync(join(root, 'src', 'demo', 'demo-catalogue.mrc'), join(out, 'src', 'demo', 'demo-catalogue.mrc'));
  run(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs'), out]);
  run(process.execPath, [join(root, 'scripts', 'parse-profiles.mjs'), out]);
}

/** The web app, type-checked and bundled into `out`/web. */
function buildWeb(out) {
  run(bin('tsc'), ['-p', 'web/tsconfig.json']);
  run(bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn', '--outDir', join(out, 'web'), '--emptyOutDir']);
}

/** A whole build: into dist.next/, then moved into place in two renames (dist/ is never half-written). */
function buildAll() {
  const inputs = inputHashes(root); // before the build: an edit made during it makes the next check stale
  rmSync(NEXT, { recursive: true, force: true });
  mkdirSync(NEXT);
  try {
    run(process.execPath, [join(root, 'scripts', 'check-messages.mjs')]);
    buildServer(NEXT);
    buildWeb(NEXT);
    recordBuild(NEXT, inputs);
  } catch (error) {
    rmSync(NEXT, { recursive: true, force: true });
    throw error;
  }
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(NEXT, DIST);
  rmSync(old, { recursive: true, force: true });
}

/** A part build, in place; the record goes, since dist/ is no longer known to be one whole build. */
function buildPart(part) {
  rmSync(join(DIST, RECORD), { force: true });
  if (part === 'server') buildServer(DIST);
  else buildWeb(DIST);
}

/**
 * One whole build at a time per copy of Carrel: a second `npm start` while the first is building waits
 * for it (then finds dist/ current) instead of building beside it. A lock left by a killed build is taken over.
 */
function withBuildLock(body) {
  const lock = join(root, '.build.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8'));
      if (!alive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return body();
  } finally {
    rmSync(lock, { force: true });
  }
}

function alive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function main(args) {
  const mode = args[0] ?? 'build';
  if (mode === '--check') {
    const state = buildState(root);
    process.stdout.write(state.current ? 'dist/ is current.\n' : `dist/ is stale: ${state.reason}.\n`);
    return state.current ? 0 : 1;
  }
  if (mode === 'server' || mode === 'web') {
    buildPart(mode);
    return 0;
  }
  if (mode !== 'build' && mode !== '--if-stale') {
    process.stderr.write('usage: node scripts/build.mjs [--if-stale | --check | server | web]\n');
    return 2;
  }
  return withBuildLock(() => {
    if (mode === '--if-stale') {
      const state = buildState(root);
      if (state.current) return 0;
      const running = existsSync(DIST) ? ' A Carrel already running keeps the code it loaded until it is restarted.' : '';
      process.stderr.write(`carrel: building dist/ (${state.reason}); it is built in dist.next/ and moved into place.${running}\n`);
    }
    buildAll();
    return 0;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`carrel: the build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
