import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, type TestDatabase } from '../../test/engines.js';
import { buildLibrary, refusalCodes, world, type World } from '../../test/factories.js';
import { registerAuditReportCommands } from './audit-report.commands.js';
import type { GlobalOptions } from './command-helpers.js';

/**
 * `carrel audit-report` in process, on the test world's runtime (the end-to-end CLI tests run the
 * compiled dist/; this checks the command's flags and files without a build).
 */
describe.each(ENGINES)('carrel audit-report on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  let dir: string;
  let stdout: string[];

  const program = () => {
    const root = new Command('carrel').option('--json').exitOverride();
    registerAuditReportCommands(root, {
      withRuntime: (_opts, _create, body) => body(w.runtime),
      globals: (command: Command) => command.optsWithGlobals<GlobalOptions>(),
      asOf: () => new Option('--as-of <iso-date>'),
    });
    return root;
  };
  const carrel = async (...args: string[]) => {
    stdout = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (stdout.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await program().parseAsync(['node', 'carrel', ...args]);
    } finally {
      process.stdout.write = write;
    }
    return stdout.join('');
  };

  beforeAll(async () => {
    database = await freshDatabase(engine);
    w = await world(database);
    dir = mkdtempSync(join(tmpdir(), 'carrel-audit-cli-'));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints Markdown for the only library, writes HTML to --out, and JSON with --json; several libraries need --library', async () => {
    const { library } = await buildLibrary(w, { profileId: 'carlsbad-nm', name: 'Carlsbad Public Library' });
    const md = await carrel('audit-report');
    expect(md).toContain('# Privacy audit report: Carlsbad Public Library');
    expect(md).toContain('## (e) How long it is kept and how it is disposed of');

    const file = join(dir, 'audit.html');
    const said = await carrel('audit-report', '--format', 'html', '--out', file, '--from', '2026-01-01', '--to', '2026-03-03');
    expect(said).toContain(`Audit report written to ${file} (html; 0 findings).`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<h2 id="a-h">(a) What is collected</h2>');
    expect(html).toContain('Access log, 2026-01-01 to 2026-03-03');

    const json = JSON.parse(await carrel('--json', 'audit-report', '--library', library.id, '--grace-hours', '0')) as { library: { id: string }; retention: { check: { graceHours: number } } };
    expect(json.library.id).toBe(library.id);
    expect(json.retention.check.graceHours).toBe(0);

    await buildLibrary(w, { profileId: 'carlsbad-nm' });
    expect(await refusalCodes(carrel('audit-report'))).toEqual(['VALIDATION_FAILED']);
    expect(await refusalCodes(carrel('audit-report', '--library', library.id, '--grace-hours', 'soon'))).toEqual(['VALIDATION_FAILED']);
  });
});
