import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedProfilesDir } from '../src/profile/profiles.js';
import { openDatabase, type Database } from '../src/storage/database.js';
import { carrel, cliWorkspace, COMPILED, document, type Run } from './cli-helpers.js';
import { ENGINES, type TestDatabase } from './engines.js';

/**
 * `carrel vendor add|list|disable|enable|reset-secret`, `carrel ezproxy add` and `carrel oidc keys rotate`
 * end to end on SQLite and PostgreSQL (issue 19; the compiled dist/: `npm run build` first): a vendor's
 * secret printed once and kept only sealed; the issuer from CARREL_PUBLIC_URL; the claims a profile
 * withholds named with their clause (RF-6 for ridgefield-ct); the user.txt lines of an EZproxy instance,
 * with its groups only where the profile lets vendors learn a category unasked; bad input refused with
 * exit 1 and a stable code.
 */

interface VendorDoc {
  id: string;
  name: string;
  protocol: string;
  disabled: boolean;
  withheldClaims: string[];
  clause: string;
  claims?: string[];
  redirectUris?: string[];
  groups?: Record<string, string>;
  digest?: string;
  clientId?: string;
  secret?: string;
  issuer?: string;
  userTxt?: string;
}
interface Refusal {
  error: { code: string; problems: { code: string; field?: string }[] };
}

/** Each command is a fresh node process: a dozen of them need more than the default 30 s on a busy machine. */
const CLI_TIMEOUT = 180_000;
const PUBLIC_URL = 'https://carrel.example.org';

describe.each(ENGINES)('carrel vendor, ezproxy and oidc keys on %s', (engine) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let target: string;
  let pg: TestDatabase | undefined;
  let database: Database | undefined;
  const cli = (...args: string[]) => carrel(['--db', target, ...args], { env, cwd: dir });
  const json = async <T = VendorDoc>(...args: string[]): Promise<T> => {
    const result = await cli('--json', ...args);
    expect(result.code, `${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return document<T>(result);
  };
  const refused = async (code: string, ...args: string[]): Promise<Refusal> => {
    const result: Run = await cli('--json', ...args);
    expect([result.code, document<Refusal>(result).error.code], `${args.join(' ')}: ${result.stdout}${result.stderr}`).toEqual([1, code]);
    return document<Refusal>(result);
  };
  /** Every secret printed, to look for in the database afterwards. */
  const printed: string[] = [];

  beforeAll(async () => {
    if (!existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests (`npm test` does it).');
    ({ dir, env, target, pg } = await cliWorkspace(engine, 'vendors'));
    // An operator's profile that lets vendors learn the category unasked (no shipped profile does).
    const profilesDir = join(dir, 'profiles');
    mkdirSync(profilesDir);
    writeFileSync(
      join(profilesDir, 'groups-allowed.yaml'),
      readFileSync(join(shippedProfilesDir(), 'strict-default.yaml'), 'utf8')
        .replace(/^id: strict-default$/m, 'id: groups-allowed')
        .replace(/^access:$/m, 'access:\n  vendors:\n    attributes: category-or-age-band\n    clause: IF-9'),
    );
    env = { ...env, CARREL_PUBLIC_URL: PUBLIC_URL, CARREL_PROFILES_DIR: profilesDir };
    await json('init');
    await json('library', 'add', '--id', 'carlsbad', '--name', 'Carlsbad', '--profile', 'carlsbad-nm');
    await json('library', 'add', '--id', 'ridgefield', '--name', 'Ridgefield', '--profile', 'ridgefield-ct');
    await json('library', 'add', '--id', 'grouped', '--name', 'Grouped', '--profile', 'groups-allowed');
    database = pg ?? openDatabase(target);
  }, CLI_TIMEOUT);
  afterAll(async () => {
    if (!pg) await database?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers an OpenID client: its id, secret once and the issuer; the profile’s withheld claims with the clause', { timeout: CLI_TIMEOUT }, async () => {
    // Given Carlsbad's profile (CB-D), which lets a contract add every claim with the patron's consent
    const books = await json('vendor', 'add', '--library', 'carlsbad', '--name', 'Books Inc', '--redirect-uri', 'https://books.example.com/cb', '--redirect-uri', 'https://books.example.com/cb2', '--claims', 'library,sub,category,email');
    expect(books).toMatchObject({ protocol: 'oidc', clientId: books.id, issuer: `${PUBLIC_URL}/oidc`, claims: ['category', 'email'], withheldClaims: [], clause: 'CB-D' });
    expect(books.redirectUris).toEqual(['https://books.example.com/cb', 'https://books.example.com/cb2']);
    expect(books.secret).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    printed.push(books.secret ?? '');

    // Ridgefield (RF-6): nothing but the fact of being a patron, whatever the contract says; the text says so
    const text = await cli('vendor', 'add', '--library', 'ridgefield', '--name', 'Films Inc', '--redirect-uri', 'https://films.example.com/cb', '--claims', 'category,name');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`issuer: ${PUBLIC_URL}/oidc`);
    expect(text.stdout).toMatch(/withheld by the library's profile \(RF-6\)[^\n]*category, name/);
    const secret = /client secret: (\S+)/.exec(text.stdout)?.[1] ?? '';
    expect(secret).not.toBe('');
    printed.push(secret);
    const films = (await json<VendorDoc[]>('vendor', 'list', '--library', 'ridgefield')).find((v) => v.name === 'Films Inc');
    expect(films).toMatchObject({ withheldClaims: ['category', 'name'], clause: 'RF-6' });
  });

  it('registers an EZproxy instance and prints its user.txt lines; groups only where the profile allows them', { timeout: CLI_TIMEOUT }, async () => {
    const grouped = await json('ezproxy', 'add', '--library', 'grouped', '--name', 'Main EZproxy', '--login-url', 'https://ezproxy.example.org/login', '--group', 'adult=General', '--group', 'juvenile=Young');
    expect(grouped).toMatchObject({ protocol: 'ezproxy', digest: 'SHA256', groups: { adult: 'General', juvenile: 'Young' }, withheldClaims: [], clause: 'IF-9' });
    printed.push(grouped.secret ?? '');
    expect(grouped.userTxt).toBe(
      [
        `::CGI=${PUBLIC_URL}/ezproxy/${grouped.id}/login?url=^U`,
        '::Ticket',
        'AcceptGroups General+Young',
        'TimeValid 2',
        `SHA256 ${grouped.secret}`,
        'Expired; Deny expired.html',
        '/Ticket',
      ].join('\n'),
    );
    // Under a shipped profile the mapping is kept but not used: no AcceptGroups, and the view says why
    const plain = await json('ezproxy', 'add', '--library', 'ridgefield', '--name', 'Ridgefield EZproxy', '--login-url', 'https://proxy.ridgefield.example/login', '--digest', 'SHA512', '--group', 'adult=General');
    printed.push(plain.secret ?? '');
    expect([plain.withheldClaims, plain.clause]).toEqual([['category'], 'RF-6']);
    expect(plain.userTxt).not.toContain('AcceptGroups');
    expect(plain.userTxt).toContain(`\nSHA512 ${plain.secret}\n`);
    // The text form prints the secret once and the same lines
    const text = await cli('ezproxy', 'add', '--library', 'carlsbad', '--name', 'Carlsbad EZproxy', '--login-url', 'https://ezproxy.carlsbad.example/login');
    expect(text.code, text.stderr).toBe(0);
    const secret = /shared secret: (\S+)/.exec(text.stdout)?.[1] ?? '';
    printed.push(secret);
    expect(text.stdout).toMatch(new RegExp(`::CGI=${PUBLIC_URL.replace(/\./g, '\\.')}/ezproxy/[0-9a-f-]{36}/login\\?url=\\^U\n::Ticket\nTimeValid 2\nSHA256 ${secret}\n`));
  });

  it('lists without secrets, disables, enables and resets a secret (EZproxy: with the new user.txt lines)', { timeout: CLI_TIMEOUT }, async () => {
    const list = await cli('--json', 'vendor', 'list', '--library', 'grouped');
    expect(list.code).toBe(0);
    for (const secret of printed) expect(list.stdout).not.toContain(secret);
    const [proxy] = document<VendorDoc[]>(list);
    expect(proxy?.name).toBe('Main EZproxy');
    const id = proxy?.id ?? '';
    expect(await json('vendor', 'disable', '--library', 'grouped', '--id', id)).toMatchObject({ id, disabled: true });
    expect(await json('vendor', 'enable', '--library', 'grouped', '--id', id)).toMatchObject({ id, disabled: false });
    const reset = await json<{ id: string; secret: string; userTxt: string }>('vendor', 'reset-secret', '--library', 'grouped', '--id', id);
    expect(reset.id).toBe(id);
    expect(printed).not.toContain(reset.secret);
    expect(reset.userTxt).toContain(`\nSHA256 ${reset.secret}\n`);
    printed.push(reset.secret);
    // An OpenID client's reset prints no user.txt
    const books = (await json<VendorDoc[]>('vendor', 'list', '--library', 'carlsbad')).find((v) => v.name === 'Books Inc');
    const again = await json<{ secret: string; userTxt?: string }>('vendor', 'reset-secret', '--library', 'carlsbad', '--id', books?.id ?? '');
    expect(again.userTxt).toBeUndefined();
    printed.push(again.secret);
  });

  it('refuses bad input with exit 1 and its code, another library’s vendor as not found, and a missing flag with exit 2', { timeout: CLI_TIMEOUT }, async () => {
    const bad = await refused('VALIDATION_FAILED', 'vendor', 'add', '--library', 'carlsbad', '--name', 'Bad', '--redirect-uri', 'http://evil.example/cb', '--claims', 'phone');
    expect(bad.error.problems.map((p) => p.field).sort()).toEqual(['claims', 'redirectUris']);
    await refused('VALIDATION_FAILED', 'ezproxy', 'add', '--library', 'carlsbad', '--name', 'Bad proxy', '--login-url', 'https://ezproxy.example.org/menu');
    await refused('VALIDATION_FAILED', 'ezproxy', 'add', '--library', 'carlsbad', '--name', 'Bad groups', '--login-url', 'https://ezproxy.example.org/login', '--group', 'adult');
    await refused('VENDOR_EXISTS', 'vendor', 'add', '--library', 'carlsbad', '--name', 'Books Inc', '--redirect-uri', 'https://books.example.com/cb');
    await refused('LIBRARY_NOT_FOUND', 'vendor', 'list', '--library', 'nowhere');
    const books = (await json<VendorDoc[]>('vendor', 'list', '--library', 'carlsbad')).find((v) => v.name === 'Books Inc');
    await refused('VENDOR_NOT_FOUND', 'vendor', 'disable', '--library', 'ridgefield', '--id', books?.id ?? '');
    await refused('VENDOR_NOT_FOUND', 'vendor', 'reset-secret', '--library', 'carlsbad', '--id', 'no-such-vendor');
    expect((await cli('vendor', 'add', '--library', 'carlsbad', '--name', 'No address')).code).toBe(2);
    expect((await cli('ezproxy', 'add', '--library', 'carlsbad', '--name', 'Bad digest', '--login-url', 'https://e.example/login', '--digest', 'CRC32')).code).toBe(2);
  });

  it('rotates the OpenID signing keys: a new key signs, the previous stays published', { timeout: CLI_TIMEOUT }, async () => {
    const first = await json<{ kid: string; published: string[] }>('oidc', 'keys', 'rotate');
    expect(first.published).toContain(first.kid);
    const second = await json<{ kid: string; published: string[] }>('oidc', 'keys', 'rotate');
    expect(second.kid).not.toBe(first.kid);
    expect(second.published).toEqual(expect.arrayContaining([first.kid, second.kid]));
    const text = await cli('oidc', 'keys', 'rotate');
    expect([text.code, text.stdout]).toEqual([0, expect.stringMatching(/^New signing key \S+; published: /)]);
  });

  it('keeps every secret only sealed: none is in the database', { timeout: CLI_TIMEOUT }, async () => {
    expect(printed.length).toBeGreaterThanOrEqual(7);
    const rows = await (database as Database).db.selectFrom('vendors').select(['secret_sealed', 'settings']).execute();
    const stored = rows.map((r) => `${r.secret_sealed}\n${r.settings}`).join('\n');
    for (const secret of printed) expect(stored).not.toContain(secret);
    if (!pg) {
      // Nor in the SQLite file or its WAL
      for (const file of readdirSync(dir).filter((f) => f.startsWith('carrel.db')).map((f) => join(dir, f))) {
        const bytes = readFileSync(file);
        for (const secret of printed) expect(bytes.includes(secret), file).toBe(false);
      }
    }
  });
});
