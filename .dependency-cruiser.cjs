/**
 * Carrel's layers, as rules that fail (docs/ARCHITECTURE.md, "Rules of the road"). Arrows point down:
 *
 *   transports (http/, cli/, jobs/, sip2/, oidc/, demo/, marc/, migration/)  →  usecases/  →  policy/ · domain/ · vault/ ·
 *   profile/ · solver/ · report/  →  storage/
 *
 * `test/layers.test.ts` runs these rules over src/ and web/src/ and fails on any violation; it also
 * proves each kind of rule fires on a small tree of deliberate violations (test/fixtures/layers/).
 * Tests themselves (`*.test.ts`) and bench/ are outside the layers.
 */

/** What a pure layer may import besides src/: TypeBox, Luxon and node:crypto (hashing is computation). */
const PURE_PACKAGES = '(^|/)node_modules/(typebox|luxon)/|^(node:)?crypto$';
const TRANSPORTS = 'http|cli|jobs|sip2|oidc|demo|notices|marc|migration';
const CORE = 'domain|policy|vault|storage|profile|solver|report|usecases';
/** The composition root: the one file that wires the database, the vault and the servers into a runtime. */
const ROOT = '^src/cli/runtime[.]ts$';

/** A rule that `folders` (under src/) import from src/ only the folders `allowed`. */
function importsOnly(name, comment, folders, allowed) {
  return { name, severity: 'error', comment, from: { path: `^src/(${folders})` }, to: { path: '^src/', pathNot: `^src/(${allowed})/` } };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module imports itself back through others: a loop makes a layer one knot.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    importsOnly(
      'domain-imports-only-domain',
      'domain/ is the pure core: entities, value types and rules, no other layer.',
      'domain/',
      'domain',
    ),
    {
      name: 'pure-layers-do-no-io',
      severity: 'error',
      comment: 'domain/, policy/ and report/ are pure: besides each other they import only TypeBox, Luxon and hashing, never a file, socket, database, solver or transport package.',
      from: { path: '^src/(domain|policy|report)/' },
      to: { pathNot: ['^src/(domain|policy|report)/', PURE_PACKAGES] },
    },
    importsOnly(
      'root-files-stand-on-domain',
      'A file at the root of src/ (config.ts, log.ts) belongs to no layer: it may lean on domain/ only, so it cannot become a back door to storage.',
      '[^/]+[.]ts$',
      'domain',
    ),
    importsOnly(
      'policy-imports-only-domain',
      'policy/ holds pure deciders over domain types; loaders and solvers live in profile/ and solver/.',
      'policy/',
      'domain|policy',
    ),
    importsOnly(
      'storage-imports-only-domain',
      'storage/ owns the SQL and returns domain types; types it shares with policy live in domain/.',
      'storage/',
      'domain|storage',
    ),
    importsOnly(
      'vault-imports-domain-and-storage',
      'vault/ seals personal fields and keeps keys: it stands on domain/ and storage/ only.',
      'vault/',
      'domain|vault|storage',
    ),
    importsOnly(
      'report-builds-on-policy',
      'report/ turns policy and facts into documents: it reads no file (profile/), solves nothing (solver/) and reaches no use case.',
      'report/',
      'domain|policy|report',
    ),
    importsOnly(
      'i18n-reads-only-catalogues',
      'i18n/ reads the message catalogues and makes Translators (a domain/ type); pure code is handed one, never imports it.',
      'i18n/',
      'domain|i18n',
    ),
    importsOnly(
      'profile-and-solver-serve-policy',
      'The profile loader and the bounds solver answer policy questions for use cases; they reach no storage, vault, report or use case.',
      '(profile|solver)/',
      'domain|policy|$2',
    ),    {
      name: 'core-never-imports-a-transport',
      severity: 'error',
      comment: 'Use cases and what is below them know no transport: HTTP, SIP2, the CLI and jobs call them, never the reverse.',
      from: { path: `^src/(${CORE})/` },
      to: { path: `^src/(${TRANSPORTS})/` },
    },
    {
      name: 'transports-reach-storage-through-usecases',
      severity: 'error',
      comment: 'A route, a SIP2 handler, a command or a job calls a use case; it never touches storage, the vault, the profile loader or the solver. The composition root is the one exception.',
      from: { path: `^src/(${TRANSPORTS})/`, pathNot: ROOT },
      to: { path: '^src/(storage|vault|profile|solver)/' },
    },
    {
      name: 'the-composition-root-wires-only',
      severity: 'error',
      comment: 'runtime.ts opens the database and the vault, loads profiles and wires the server and the demo; any other reach into storage, the vault or the solver goes through a use case there too.',
      from: { path: ROOT },
      to: {
        path: '^src/(storage|vault|profile|solver)/',
        pathNot: '^src/(storage/(database|migrate)|vault/(cipher|key-file|open-vault|rotation)|profile/profiles)[.]ts$',
      },
    },
    {
      name: 'transports-stand-apart',
      severity: 'error',
      comment: 'One transport does not call another; any of them may start a job (jobs/). The composition root wires the servers. The SIP2 wire format may be read by the CLI (carrel sip2 ping).',
      from: { path: `^src/(${TRANSPORTS})/`, pathNot: ROOT },
      // The SIP2 wire format (pure text) is a contract like the route schemas: `carrel sip2 ping` speaks it.
      to: { path: `^src/(${TRANSPORTS})/`, pathNot: ['^src/$1/', '^src/jobs/', '^src/sip2/(codec|messages)[.]ts$', '^src/marc/', '^src/migration/'] },
    },
    {
      name: 'migration-serves-the-cli',
      severity: 'error',
      comment: 'The import from another library system (migration/) stands on use cases and domain/ like a transport; only `carrel import` calls it.',
      from: { path: '^src/', pathNot: '^src/(cli|migration)/' },
      to: { path: '^src/migration/' },
    },
    {
      name: 'marc-serves-the-cli-and-the-demo',
      severity: 'error',
      comment: 'The MARC21 reader and import (marc/) stand on use cases and domain/ like a transport; only `carrel catalogue import` and the demo library call it.',
      from: { path: '^src/', pathNot: '^src/(cli|demo|marc)/' },
      to: { path: '^src/marc/' },
    },
    importsOnly(
      'marc-imports-usecases-and-domain',
      'marc/ reads files and calls use cases; it reaches no other transport and nothing below the use cases but domain/.',
      'marc/',
      'domain|usecases|marc',
    ),
    {
      name: 'http-schemas-are-the-shared-contract',
      severity: 'error',
      comment: 'The route schemas are read by the web app too: they import TypeBox and domain/ only.',
      from: { path: '^src/http/schemas/' },
      to: { pathNot: ['^src/domain/', '^src/http/schemas/', '(^|/)node_modules/typebox/'] },
    },
    {
      name: 'web-talks-only-to-the-contract',
      severity: 'error',
      comment: 'The web app shares only pure domain code and the route schemas with the server; everything else it learns over HTTP.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/(domain|http/schemas)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.]test[.]tsx?$|(^|/)test/|(^|/)e2e/|(^|/)bench/|[.]css$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
    },
  },
};
