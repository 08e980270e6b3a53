import { Option, type Command } from 'commander';
import type { Config } from '../config.js';
import { EZPROXY_DIGESTS } from '../domain/vendors.js';
import { rotateOidcKeys } from '../usecases/oidc.usecases.js';
import { createVendor, listVendors, resetVendorSecret, setVendorDisabled, type VendorView } from '../usecases/vendor.usecases.js';
import type { CommandHelpers } from './command-helpers.js';
import { emit, tr } from './output.js';

/** How long an EZproxy ticket is good for, in minutes (the `TimeValid` of the `::Ticket` block). */
export const TICKET_MINUTES = 2;

/** The address people and machines reach this Carrel at: CARREL_PUBLIC_URL, or this machine's port. */
function publicBase(config: Config): string {
  return config.publicUrl ?? `http://127.0.0.1:${config.port}`;
}

/** The OpenID provider's issuer, as relying parties configure it. */
export function issuerOf(config: Config): string {
  return `${publicBase(config)}/oidc`;
}

/**
 * The lines an EZproxy instance's user.txt needs: the CGI line sending patrons to Carrel's sign-in page
 * (`^U`: EZproxy passes the destination as an escaped address, which Carrel checks is http or https and
 * hands back), then the ticket block with the shared secret. `AcceptGroups` only when tickets will carry
 * groups (the profile lets vendors learn a category unasked).
 */
export function ezproxyUserTxt(config: Config, vendor: VendorView, secret: string): string {
  if (vendor.protocol !== 'ezproxy') return '';
  const groups = vendor.withheldClaims.includes('category') ? [] : [...new Set(Object.values(vendor.groups))];
  return [
    `::CGI=${publicBase(config)}/ezproxy/${vendor.id}/login?url=^U`,
    '::Ticket',
    ...(groups.length > 0 ? [`AcceptGroups ${groups.join('+')}`] : []),
    `TimeValid ${TICKET_MINUTES}`,
    `${vendor.digest} ${secret}`,
    'Expired; Deny expired.html',
    '/Ticket',
  ].join('\n');
}

function describeVendor(v: VendorView): string {
  const head = `${v.name}  (${v.protocol === 'oidc' ? 'OpenID Connect client' : 'EZproxy instance'}, id ${v.id}${v.disabled ? ', disabled' : ''})`;
  if (v.protocol === 'oidc')
    return [
      head,
      `  redirect addresses: ${v.redirectUris.join(', ')}`,
      `  receives: sub, library${v.claims.length > 0 ? `; with the patron's consent: ${v.claims.filter((c) => !v.withheldClaims.includes(c)).join(', ') || 'nothing more'}` : ''}`,
      ...(v.withheldClaims.length > 0 ? [`  withheld by the library's profile (${v.clause}), whatever the patron agrees to: ${v.withheldClaims.join(', ')}`] : []),
    ].join('\n');
  const groups = Object.entries(v.groups).map(([category, group]) => `${category} → ${group}`);
  return [
    head,
    `  login address: ${v.loginUrl}; digest ${v.digest}`,
    `  receives: a pseudonym for this instance${groups.length > 0 && !v.withheldClaims.includes('category') ? `, and a group: ${groups.join(', ')}` : ''}`,
    ...(groups.length > 0 && v.withheldClaims.includes('category') ? [`  groups withheld by the library's profile (${v.clause}): tickets carry the pseudonym alone`] : []),
  ].join('\n');
}

/** The claims named with `--claims`: comma-separated; `sub` and `library` are every vendor's and need no naming. */
function claimsFrom(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'sub' && c !== 'library');
}

/** `--group CATEGORY=GROUP`, repeated: the EZproxy group a patron category opens. */
function groupsFrom(pairs: readonly string[]): Record<string, string> {
  const groups: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    // A pair without "=" is passed on with no group, for the use case to refuse with its rule.
    if (at < 0) groups[pair] = '';
    else groups[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return groups;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `carrel vendor add|list|disable|enable|reset-secret`, `carrel ezproxy add` and `carrel oidc keys rotate`:
 * the e-content vendors and proxies a library signs its patrons in to (issue 19), each told only that the
 * patron is in good standing, under a pseudonym of its own (RF-6, CB-D, IF-9).
 */
export function registerVendorCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals, config } = helpers;
  const vendor = program.command('vendor').description(tr.t('cli.vendor.help'));

  vendor
    .command('add')
    .description(tr.t('cli.vendor.add.help'))
    .requiredOption('--library <id>', 'the library')
    .requiredOption('--name <name>', 'the vendor, as patrons know it')
    .requiredOption('--redirect-uri <uri>', 'where the vendor receives the code (exact; repeat for more, all on one host)', repeat)
    .option('--claims <list>', 'what the contract adds to sub and library, comma-separated: category, age_band, name, email (each also needs the profile and the patron’s consent)')
    .action(async (o: { library: string; name: string; redirectUri: string[]; claims?: string }, command: Command) => {
      const opts = globals(command);
      const made = await runAs(opts, 'administration')(createVendor, { libraryId: o.library, protocol: 'oidc', name: o.name, redirectUris: o.redirectUri, claims: claimsFrom(o.claims) });
      const issuer = issuerOf(config);
      emit(opts.json, { ...made.vendor, clientId: made.vendor.id, secret: made.secret, issuer }, () =>
        [
          'Vendor added.',
          describeVendor(made.vendor),
          `  issuer: ${issuer}`,
          `  client id: ${made.vendor.id}`,
          `  client secret: ${made.secret}`,
          'The secret is shown once; give it to the vendor over a safe channel (it signs in with client_secret_basic, PKCE required).',
        ].join('\n'),
      );
    });

  vendor
    .command('list')
    .description(tr.t('cli.vendor.list.help'))
    .requiredOption('--library <id>', 'the library')
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const list = await runAs(opts, 'administration')(listVendors, { libraryId: o.library });
      emit(opts.json, list, () => (list.length === 0 ? 'No vendors.' : list.map(describeVendor).join('\n')));
    });

  for (const [name, disabled, said] of [
    ['disable', true, 'disabled: it signs no one in, and the tokens it holds stop working at their next use'],
    ['enable', false, 'enabled'],
  ] as const) {
    vendor
      .command(name)
      .description(name === 'disable' ? tr.t('cli.vendor.disable.help') : tr.t('cli.vendor.enable.help'))
      .requiredOption('--library <id>', 'the library')
      .requiredOption('--id <vendor>', 'the vendor’s id (see `carrel vendor list`)')
      .action(async (o: { library: string; id: string }, command: Command) => {
        const opts = globals(command);
        const done = await runAs(opts, 'administration')(setVendorDisabled, { libraryId: o.library, id: o.id, disabled });
        emit(opts.json, done, () => `Vendor ${done.name} ${said}.`);
      });
  }

  vendor
    .command('reset-secret')
    .description(tr.t('cli.vendor.resetSecret.help'))
    .requiredOption('--library <id>', 'the library')
    .requiredOption('--id <vendor>', 'the vendor’s id')
    .action(async (o: { library: string; id: string }, command: Command) => {
      const opts = globals(command);
      const reset = await runAs(opts, 'administration')(resetVendorSecret, { libraryId: o.library, id: o.id });
      const userTxt = ezproxyUserTxt(config, reset.vendor, reset.secret);
      emit(opts.json, { id: reset.vendor.id, name: reset.vendor.name, secret: reset.secret, ...(userTxt ? { userTxt } : {}) }, () =>
        [
          `New secret for ${reset.vendor.name}: ${reset.secret}`,
          'It is shown once.',
          ...(userTxt ? ['Replace the ::CGI line and the ::Ticket block in EZproxy’s user.txt with:', '', userTxt] : []),
        ].join('\n'),
      );
    });

  const ezproxy = program.command('ezproxy').description(tr.t('cli.ezproxy.help'));
  ezproxy
    .command('add')
    .description(tr.t('cli.ezproxy.add.help'))
    .requiredOption('--library <id>', 'the library')
    .requiredOption('--name <name>', 'the instance, as staff know it')
    .requiredOption('--login-url <url>', 'EZproxy’s login address (https://ezproxy.example.org/login)')
    .addOption(new Option('--digest <digest>', 'the digest of its ::Ticket block').choices([...EZPROXY_DIGESTS]).default('SHA256'))
    .option('--group <category=group>', 'the EZproxy group a patron category opens (repeat for more; sent only where the profile allows)', repeat, [])
    .action(async (o: { library: string; name: string; loginUrl: string; digest: string; group: string[] }, command: Command) => {
      const opts = globals(command);
      const made = await runAs(opts, 'administration')(createVendor, { libraryId: o.library, protocol: 'ezproxy', name: o.name, loginUrl: o.loginUrl, digest: o.digest, groups: groupsFrom(o.group) });
      const userTxt = ezproxyUserTxt(config, made.vendor, made.secret);
      emit(opts.json, { ...made.vendor, secret: made.secret, userTxt }, () =>
        [
          'EZproxy instance added.',
          describeVendor(made.vendor),
          `  shared secret: ${made.secret}`,
          'The secret is shown once. Put these lines in EZproxy’s user.txt, before any other authentication, and restart EZproxy:',
          '',
          userTxt,
        ].join('\n'),
      );
    });

  const oidc = program.command('oidc').description(tr.t('cli.oidc.help'));
  oidc
    .command('keys')
    .description(tr.t('cli.oidc.keys.help'))
    .command('rotate')
    .description(tr.t('cli.oidc.keys.rotate.help'))
    .action(async (_o, command: Command) => {
      const opts = globals(command);
      const rotated = await runAs(opts, 'administration')(rotateOidcKeys, {});
      emit(opts.json, rotated, () => `New signing key ${rotated.kid}; published: ${rotated.published.join(', ')}. Running servers use it within a minute.`);
    });
}
