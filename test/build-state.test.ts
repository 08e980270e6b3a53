import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `node scripts/build.mjs --check` (what `npm start`, `pretest`, `prepare` and the benchmarks consult
 * before building): a tree whose dist/ records the content of every input is current; an edited source
 * makes it stale, naming the file; a test file or a touched-but-unchanged file does not. Run on a small
 * copy of Carrel's layout in a temporary folder: the real dist/ is never rebuilt here.
 */
const SCRIPT = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));

interface BuildScript {
  inputHashes(root: string): Record<string, string>;
  recordBuild(dist: string, inputs: Record<string, string>): void;
}

function check(root: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, '--check'], { env: { ...process.env, CARREL_BUILD_ROOT: root }, encoding: 'utf8' }, (error, stdout) => {
      if (!error) return resolve({ code: 0, stdout });
      if (typeof error.code === 'number') return resolve({ code: error.code, stdout });
      reject(error);
    });
  });
}

describe('whether dist/ is the build of the sources', () => {
  let root: string;
  let build: BuildScript;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeAll(async () => {
    build = (await import(pathToFileURL(SCRIPT).href)) as BuildScript;
    root = mkdtempSync(join(tmpdir(), 'carrel-build-state-'));
    write('src/cli/main.ts', 'export const answer = 42;\n');
    write('src/cli/main.test.ts', 'it.todo("a test");\n');
    write('web/src/main.tsx', 'export {};\n');
    write('locales/en/cli.json', '{}\n');
    write('package.json', '{"name":"carrel"}\n');
    write('tsconfig.json', '{}\n');
    // What a build leaves: the compiled entry point and the web app.
    write('dist/src/cli/main.js', 'export const answer = 42;\n');
    write('dist/web/index.html', '<!doctype html>\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is stale without the record a whole build writes, and current with it', async () => {
    const before = await check(root);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('dist/ is stale: dist/ was not built by a whole build');

    build.recordBuild(join(root, 'dist'), build.inputHashes(root));
    expect(await check(root)).toEqual({ code: 0, stdout: 'dist/ is current.\n' });
  });

  it('is stale after a source changes, naming it; current again when the content is back, whatever the mtime', async () => {
    write('src/cli/main.ts', 'export const answer = 43;\n');
    const stale = await check(root);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe('dist/ is stale: changed since the last build: src/cli/main.ts.\n');

    write('src/cli/main.ts', 'export const answer = 42;\n');
    utimesSync(join(root, 'src/cli/main.ts'), new Date(), new Date(Date.now() + 3_600_000));
    expect((await check(root)).code).toBe(0);
  });

  it('ignores test files, and counts a new file in a source folder', async () => {
    write('src/cli/main.test.ts', 'it.todo("another test");\n');
    expect((await check(root)).code).toBe(0);

    write('locales/es/cli.json', '{}\n');
    const stale = await check(root);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('locales/es/cli.json');
    rmSync(join(root, 'locales/es'), { recursive: true });
    expect((await check(root)).code).toBe(0);
  });

  it('is stale when the build itself is gone', async () => {
    rmSync(join(root, 'dist/web'), { recursive: true });
    const stale = await check(root);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('dist/ has no build');
  });
});
