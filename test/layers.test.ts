import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The layers of docs/ARCHITECTURE.md, enforced: dependency-cruiser runs the rules of
 * `.dependency-cruiser.cjs` over the real tree (which must break none) and over a small tree of
 * deliberate violations (which must break every one), so a rule that silently stopped matching fails too.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'layers');
const require = createRequire(import.meta.url);
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const RULES: string[] = (require(CONFIG) as { forbidden: { name: string }[] }).forbidden.map((rule) => rule.name);

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

/** Cruises `paths` from `cwd` with the project's rules; returns every violation found. */
async function cruise(cwd: string, paths: string[]): Promise<{ violations: Violation[]; modules: number }> {
  // dependency-cruiser exits non-zero when it finds violations; the JSON on stdout is what we read.
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...paths, '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const output = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { violations: output.summary.violations, modules: output.summary.totalCruised };
}

const describeViolation = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (loop: ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;

describe('the layers (docs/ARCHITECTURE.md)', () => {
  it('hold across the server and the web app: no import against the layers, no loop', async () => {
    const { violations, modules } = await cruise(ROOT, ['src', 'web/src']);
    expect(modules).toBeGreaterThan(200);
    expect(violations.map(describeViolation)).toEqual([]);
  });

  it('are rules that fire: the tree of deliberate violations breaks each one, and the composition root only beyond its wiring', async () => {
    const { violations } = await cruise(FIXTURE, ['src', 'web/src']);
    expect([...new Set(violations.map((v) => v.rule.name))].sort()).toEqual([...RULES].sort());
    // The root opens the database and wires a route; its reach into a repository is the one it may not make
    expect(violations.filter((v) => v.from === 'src/cli/runtime.ts').map(describeViolation)).toEqual([
      'the-composition-root-wires-only: src/cli/runtime.ts → src/storage/thing.repository.ts',
    ]);
    // Starting a job is allowed to a transport
    expect(violations.filter((v) => v.to === 'src/jobs/thing.job.ts')).toEqual([]);
  });
});
