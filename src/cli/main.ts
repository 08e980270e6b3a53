import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { DomainError, ErrorCode, refuse, type Problem } from '../domain/errors.js';
import { formatAmount, parseAmount } from '../domain/money.js';
import { loadDemoLibrary } from '../demo/demo-library.js';
import { buildServer } from '../http/server.js';
import { createLogger } from '../log.js';
import { ROLES } from '../policy/actors.js';
import { isPostgresUrl, redactUrl } from '../storage/database.js';
import { DEFAULT_PROFILE, ProfileError, profiles, SHIPPED_PROFILES } from '../profile/profiles.js';
import { checkin, checkout, declareLost, renew } from '../usecases/circulation.usecases.js';
import type { Runtime } from '../usecases/context.js';
import { pay } from '../usecases/fine.usecases.js';
import { cancelHold, expireHolds, placeHold } from '../usecases/hold.usecases.js';
import { addItem, addItems, type AddItemInput } from '../usecases/item.usecases.js';
import { createLibrary, listLibraries } from '../usecases/library.usecases.js';
import { deletePatron } from '../usecases/patron-deletion.usecases.js';
import { exportPatron, findPatrons, registerPatron, setPatronStatus } from '../usecases/patron.usecases.js';
import { setReadingHistory } from '../usecases/retention.usecases.js';
import { rotateKeyFile } from '../vault/rotation.js';
import { createFirstAdmin } from '../usecases/setup.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { VaultError } from '../vault/cipher.js';
import { KeyFileError } from '../vault/key-file.js';
import { registerAccessLogCommands } from './access-log.commands.js';
import { registerDisclosureCommands } from './disclosure.commands.js';
import { registerBackupCommands } from './backup.commands.js';
import { registerRecordSeriesCommands } from './record-series.commands.js';
import { registerServiceCommands } from './services.commands.js';
import { registerPatronServiceCommands } from './patron-service.commands.js';
import { registerRetentionCommands } from './retention.commands.js';
import { registerTransparencyCommands } from './transparency.commands.js';
import { registerAuditReportCommands } from './audit-report.commands.js'; // privacy audit report (CB-I)
import { registerStatisticsCommands } from './statistics.commands.js';
import { registerPrivacyPolicyCommands } from './privacy-policy.commands.js';
import { runRetention } from '../jobs/retention.job.js';
import { Cron } from 'croner';
import { emit, EXIT, money, report } from './output.js';
import { clockFor, openRuntime, systemRun, type GlobalOptions } from './runtime.js';

const VERSION = '0.1.0';
// Everything Carrel creates (database, WAL, key file, backups) is readable by its own user only.
process.umask(0o077);
const config = loadConfig();

/** Opens the database for one command, runs it with the command's clock, and always closes it. */
async function withRuntime<T>(opts: GlobalOptions, create: boolean, body: (runtime: Runtime) => Promise<T>): Promise<T> {
  const opened = await openRuntime(opts.db ?? config.database, clockFor(opts.asOf), { create, keyFile: config.keyFile });
  try {
    return await body(opened.runtime);
  } finally {
    await opened.close();
  }
}

const program = new Command('carrel')
  .description('Carrel: patron records and circulation, with the library’s privacy policy enforced.')
  .version(VERSION)
  .addOption(new Option('--db <path|url>', 'SQLite file or postgres:// URL (default: DATABASE_URL, or ./data/carrel.db)'))
  .option('--json', 'print one JSON document on stdout')
  .showHelpAfterError()
  .exitOverride();

const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();
const asOf = () => new Option('--as-of <iso-date>', 'run as if it were this date or instant (the command’s clock)');

program
  .command('init')
  .description('create the database, the key file (mode 0600) and the first administrator (password printed once)')
  .action(async (_o, command: Command) => {
    const opts = globals(command);
    const opened = await openRuntime(opts.db ?? config.database, clockFor(opts.asOf), { create: true, keyFile: config.keyFile });
    let admin: Awaited<ReturnType<typeof createFirstAdmin>>;
    try {
      admin = await systemRun(opened.runtime, 'administration')(createFirstAdmin, undefined);
    } finally {
      await opened.close();
    }
    const keyFile = process.env.CARREL_KEY !== undefined ? '(CARREL_KEY)' : config.keyFile;
    emit(opts.json, { database: describeTarget(opts.db ?? config.database), keyFile, keyFileCreated: opened.keyFileCreated, admin }, () =>
      [
        `Database ready: ${describeTarget(opts.db ?? config.database)}`,
        `Key file: ${keyFile}${opened.keyFileCreated ? ' (created, mode 0600)' : ''}`,
        admin
          ? `Administrator account created.\n  username: ${admin.username}\n  password: ${admin.password}\nThis password is shown once; store it now.`
          : 'An administrator already exists; no account was created.',
      ].join('\n'),
    );
  });

program
  .command('start')
  .description('serve the API (initialises an empty database and loads the demo library on first run)')
  .option('--port <n>', 'port to listen on', String(config.port))
  .option('--host <address>', 'address to listen on', config.host)
  .option('--no-demo', 'do not load the demo library into an empty database')
  .action(async (o: { port: string; host: string; demo: boolean }, command: Command) => {
    const opts = globals(command);
    const port = Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw refuse(ErrorCode.VALIDATION_FAILED, '--port takes a number from 0 to 65535.', 'port');
    // Every profile file is validated before anything is served: a broken one stops Carrel here.
    profiles();
    if (config.retentionSchedule !== 'off') {
      try {
        new Cron(config.retentionSchedule, { paused: true }).stop();
      } catch {
        throw refuse(ErrorCode.VALIDATION_FAILED, 'CARREL_RETENTION_SCHEDULE is not a cron expression (for example "30 2 * * *"), nor "off".', 'retentionSchedule');
      }
    }
    const opened = await openRuntime(opts.db ?? config.database, clockFor(undefined), { create: true, keyFile: config.keyFile });
    if (opened.keyFileCreated) process.stdout.write(`Created the key file ${config.keyFile} (mode 0600).\n`);
    const runtime = opened.runtime;
    const admin = await systemRun(runtime, 'administration')(createFirstAdmin, undefined);
    if (admin)
      process.stdout.write(`\nAdministrator account created.\n  username: ${admin.username}\n  password: ${admin.password}\nThis password is shown once; store it now.\n\n`);
    if (o.demo && config.demo && (await systemRun(runtime, 'administration')(listLibraries, undefined)).length === 0) {
      process.stdout.write('The database is empty: loading the demo library…\n');
      const demo = await loadDemoLibrary(runtime);
      process.stdout.write(`${describeDemo(demo)}\n`);
    }
    const logger = createLogger(config.logLevel, pino.destination(2));
    const app = await buildServer({ runtime, logger, cookieSecure: config.cookieSecure, trustProxy: config.trustProxy, version: VERSION });
    // The key-store retention is enforced while serving, not only when an operator runs a command.
    const purge = setInterval(() => {
      runtime.vault
        .destroyExpired(runtime.clock.now())
        .then((destroyed) => destroyed > 0 && logger.info({ destroyed }, 'shredded keys past the retention destroyed'))
        .catch((error: unknown) => logger.error({ err: error }, 'destroying shredded keys failed'));
    }, 3_600_000);
    purge.unref();
    // The retention engine on its schedule (nightly by default; CARREL_RETENTION_SCHEDULE, "off" to stop).
    // `protect` skips a tick while the previous run is still going.
    const retentionJob =
      config.retentionSchedule === 'off'
        ? null
        : new Cron(config.retentionSchedule, { protect: true, unref: true }, async () => {
            try {
              const result = await runRetention(runtime);
              const disposed = result.libraries.flatMap((l) => l.categories).reduce((sum, c) => sum + c.disposed, 0);
              logger.info({ libraries: result.libraries.length, disposed }, 'retention run finished');
            } catch (error) {
              logger.error({ err: error }, 'retention run failed; the next run finishes it');
            }
          });
    const shutdown = async () => {
      retentionJob?.stop();
      clearInterval(purge);
      await app.close();
      await opened.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown());
    process.once('SIGTERM', () => void shutdown());
    await app.listen({ port, host: o.host });
    const address = app.server.address();
    const shown = typeof address === 'object' && address ? `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${address.port}` : String(address);
    process.stdout.write(`Carrel is serving on ${shown}: the web app at ${shown}/app/, API docs at ${shown}/docs\n`);
    if (retentionJob) process.stdout.write(`Retention runs on the schedule "${config.retentionSchedule}"; next at ${retentionJob.nextRun()?.toISOString() ?? 'never'}.\n`);
  });

program
  .command('demo')
  .description('load the demo library (2 branches, 200 items, 50 fictional patrons, circulation history)')
  .action(async (_o, command: Command) => {
    const opts = globals(command);
    const demo = await withRuntime(opts, true, async (runtime) => {
      if ((await systemRun(runtime, 'administration')(listLibraries, undefined)).some((l) => l.id === 'demo')) throw refuse(ErrorCode.LIBRARY_EXISTS, 'The demo library is already loaded.');
      return loadDemoLibrary(runtime);
    });
    emit(opts.json, demo, () => describeDemo(demo));
  });

const library = program.command('library').description('libraries of this installation');
library
  .command('add')
  .description('add a library (a consortium holds several)')
  .requiredOption('--id <id>', 'short id: lower-case letters, digits, hyphens')
  .requiredOption('--name <name>', 'the library’s name')
  .addOption(
    new Option('--profile <profile>', `policy profile: ${SHIPPED_PROFILES.join(', ')}, or one from CARREL_PROFILES_DIR`)
      .default(DEFAULT_PROFILE)
      .argParser((value: string) => {
        // An unknown profile is a usage mistake (exit 2), as an unknown choice always was.
        if (!profiles().has(value)) throw new InvalidArgumentError(`no such profile; \`carrel profiles list\` shows them.`);
        return value;
      }),
  )
  .option('--time-zone <zone>', 'IANA time zone for due dates (e.g. America/Denver)', 'UTC')
  .action(async (o: { id: string; name: string; profile: string; timeZone: string }, command: Command) => {
    const opts = globals(command);
    const created = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'administration')(createLibrary, { id: o.id, name: o.name, profileId: o.profile, timeZone: o.timeZone }),
    );
    emit(opts.json, { ...created.library, branches: created.branches }, () => `Library ${created.library.id} added (profile ${created.library.profileId}; branch ${created.branches.map((b) => b.code).join(', ')}).`);
  });

program
  .command('staff')
  .description('staff accounts')
  .command('add')
  .description('add a staff account; its generated password is printed once')
  .requiredOption('--username <name>', 'log-in name')
  .option('--library <id>', 'the library the account works for (omit for consortium-wide)')
  .addOption(new Option('--role <role...>', 'one or more roles').choices([...ROLES]).default(['circulation']))
  .action(async (o: { username: string; library?: string; role: string[] }, command: Command) => {
    const opts = globals(command);
    const created = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'administration')(createStaff, { username: o.username, libraryId: o.library ?? null, roles: o.role }),
    );
    const doc = { id: created.account.id, username: created.account.username, libraryId: created.account.libraryId, roles: created.account.roles, password: created.password };
    emit(opts.json, doc, () => `Staff account ${doc.username} added.\n  password: ${doc.password}\nThis password is shown once.`);
  });

const patron = program.command('patron').description('patrons');
patron
  .command('find')
  .description('find patrons by email, phone or exact name words (blind-index look-up; each match is logged)')
  .option('--library <id>', 'only this library')
  .option('--email <email>', 'email address')
  .option('--phone <phone>', 'phone number')
  .option('--name <words>', 'one or more whole words of the name')
  .action(async (o: { library?: string; email?: string; phone?: string; name?: string }, command: Command) => {
    const opts = globals(command);
    const found = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'account-service')(findPatrons, {
        ...(o.library ? { libraryId: o.library } : {}),
        ...(o.email ? { email: o.email } : {}),
        ...(o.phone ? { phone: o.phone } : {}),
        ...(o.name ? { name: o.name } : {}),
      }),
    );
    emit(opts.json, found, () => (found.length === 0 ? 'No patron matches.' : found.map((p) => `${p.cardNumber}  ${p.name}  (${p.libraryId}, ${p.status})`).join('\n')));
  });
patron
  .command('delete')
  .description('delete a patron (refused while items are out or money is owed); their data key is shredded first')
  .requiredOption('--card <card>', 'patron card number')
  .addOption(asOf())
  .action(async (o: { card: string }, command: Command) => {
    const opts = globals(command);
    const receipt = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'account-service')(deletePatron, { cardNumber: o.card }));
    emit(opts.json, receipt, () => `Patron deleted; their data key is out of use and is destroyed after ${receipt.keyDestroyedAfter}.`);
  });
patron
  .command('reading-history')
  .description('keep or stop keeping a patron’s reading history (JC-IIIc; stopping deletes it at once)')
  .requiredOption('--card <card>', 'patron card number')
  .addOption(new Option('--keep', 'keep past check-outs from now on').conflicts('stop'))
  .addOption(new Option('--stop', 'stop keeping them, and delete what is kept'))
  .addOption(asOf())
  .action(async (o: { card: string; keep?: boolean; stop?: boolean }, command: Command) => {
    const opts = globals(command);
    if (o.keep === o.stop) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give --keep or --stop.', 'keep');
    const result = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'account-service')(setReadingHistory, { cardNumber: o.card, keep: o.keep === true }));
    emit(opts.json, result, () => (result.readingHistory ? `Reading history is kept from ${result.since}.` : `Reading history is off; ${result.loansDeleted} past loans deleted.`));
  });
patron
  .command('deceased')
  .description('record that a patron has died (on a relative’s or executor’s request); retention purges the record (CB-F3)')
  .requiredOption('--card <card>', 'patron card number')
  .addOption(asOf())
  .action(async (o: { card: string }, command: Command) => {
    const opts = globals(command);
    const result = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'account-service')(setPatronStatus, { cardNumber: o.card, status: 'deceased' }));
    emit(opts.json, { patronId: result.id, status: result.status }, () => 'Recorded as deceased; the next retention run that sweeps deceased patrons purges the record.');
  });
patron
  .command('add')
  .description('register a patron; prints the new card number and PIN (shown once)')
  .requiredOption('--library <id>', 'library id')
  .requiredOption('--name <name>', 'full name')
  .requiredOption('--birth-date <YYYY-MM-DD>', 'date of birth')
  .option('--address <address>', 'postal address')
  .option('--email <email>', 'email address')
  .option('--phone <phone>', 'phone number')
  .option('--category <code>', 'patron category (default: adult, or juvenile for a minor)')
  .option('--guardian <card>', 'card number of the adult signing for a minor')
  .action(async (o: { library: string; name: string; birthDate: string; address?: string; email?: string; phone?: string; category?: string; guardian?: string }, command: Command) => {
    const opts = globals(command);
    const registered = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'account-service')(registerPatron, {
        libraryId: o.library,
        name: o.name,
        birthDate: o.birthDate,
        address: o.address ?? null,
        email: o.email ?? null,
        phone: o.phone ?? null,
        ...(o.category ? { categoryCode: o.category } : {}),
        guardianCard: o.guardian ?? null,
      }),
    );
    emit(opts.json, { id: registered.id, cardNumber: registered.cardNumber, pin: registered.pin }, () =>
      `Patron registered.\n  id:   ${registered.id}\n  card: ${registered.cardNumber}\n  PIN:  ${registered.pin} (shown once; give it to the patron)`,
    );
  });

const item = program.command('item').description('the catalogue');
item
  .command('add')
  .description('add an item')
  .requiredOption('--library <id>', 'library id')
  .requiredOption('--barcode <barcode>', 'item barcode')
  .requiredOption('--title <title>', 'title')
  .option('--author <author>', 'author')
  .option('--isbn <isbn>', 'ISBN')
  .option('--type <type>', 'item type (book, dvd, …)', 'book')
  .option('--branch <code>', 'owning branch (default: the library’s first)')
  .option('--replacement-cost <amount>', 'replacement cost, e.g. 24.95')
  .action(async (o: { library: string; barcode: string; title: string; author?: string; isbn?: string; type: string; branch?: string; replacementCost?: string }, command: Command) => {
    const opts = globals(command);
    const cost = o.replacementCost === undefined ? null : parseAmount(o.replacementCost);
    if (cost === undefined) throw refuse(ErrorCode.INVALID_AMOUNT, '--replacement-cost takes an amount such as 24.95.', 'replacement-cost');
    const created = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'administration')(addItem, {
        libraryId: o.library,
        barcode: o.barcode,
        title: o.title,
        author: o.author ?? null,
        isbn: o.isbn ?? null,
        itemType: o.type,
        ...(o.branch ? { branch: o.branch } : {}),
        replacementCostCents: cost,
      }),
    );
    emit(opts.json, created, () => `Item ${created.barcode} added: ${created.title}.`);
  });

item
  .command('import')
  .description('import items from a CSV file with a header row: barcode,title[,author,isbn,type,branch,replacement_cost,library]; all or nothing')
  .argument('<file>', 'CSV file')
  .option('--library <id>', 'library for rows without a library column')
  .action(async (file: string, o: { library?: string }, command: Command) => {
    const opts = globals(command);
    const rows = readItemCsv(file, o.library);
    const created = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'administration')(addItems, rows));
    emit(opts.json, { imported: created.length }, () => `Imported ${created.length} item(s) from ${file}.`);
  });

program
  .command('checkout')
  .description('check an item out to a patron')
  .requiredOption('--card <card>', 'patron card number')
  .requiredOption('--item <barcode>', 'item barcode')
  .addOption(asOf())
  .action(async (o: { card: string; item: string }, command: Command) => {
    const opts = globals(command);
    const loan = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'circulation')(checkout, { cardNumber: o.card, itemBarcode: o.item }));
    emit(opts.json, loan, () => `Checked out ${loan.itemBarcode} (${loan.title}); due ${loan.dueAt}.`);
  });

program
  .command('checkin')
  .description('check an item in (charges any overdue fine, traps the next hold)')
  .requiredOption('--item <barcode>', 'item barcode')
  .option('--library <id>', 'library, when several use the barcode')
  .addOption(asOf())
  .action(async (o: { item: string; library?: string }, command: Command) => {
    const opts = globals(command);
    const result = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'circulation')(checkin, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) }),
    );
    emit(opts.json, result, () =>
      [
        `Checked in ${result.itemBarcode} (${result.title})${result.daysLate > 0 ? `, ${result.daysLate} day(s) late` : ''}.`,
        result.fine ? `Overdue fine charged: ${money(result.fine.amountCents)}.` : '',
        result.lostChargeCancelled ? 'The lost-item charge was cancelled.' : '',
        result.routing.to === 'hold-shelf' ? `Route to the hold shelf (hold ${result.routing.holdId}); pick up by ${result.routing.pickupBy}.` : 'Return it to the shelves.',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  });

program
  .command('renew')
  .description('renew a loan')
  .requiredOption('--item <barcode>', 'item barcode')
  .option('--library <id>', 'library, when several use the barcode')
  .addOption(asOf())
  .action(async (o: { item: string; library?: string }, command: Command) => {
    const opts = globals(command);
    const result = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'circulation')(renew, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) }),
    );
    emit(opts.json, result, () => `Renewed ${result.itemBarcode}; now due ${result.dueAt} (${result.renewalsLeft} renewal(s) left).`);
  });

program
  .command('lost')
  .description('declare an item lost (charges the borrower the replacement cost) or missing')
  .requiredOption('--item <barcode>', 'item barcode')
  .option('--library <id>', 'library, when several use the barcode')
  .addOption(asOf())
  .action(async (o: { item: string; library?: string }, command: Command) => {
    const opts = globals(command);
    const result = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'materials-recovery')(declareLost, { itemBarcode: o.item, ...(o.library ? { libraryId: o.library } : {}) }),
    );
    emit(opts.json, result, () => `Item ${result.itemBarcode} marked ${result.status}${result.charge ? `; charged ${money(result.charge.amountCents)}` : ''}.`);
  });

program
  .command('pay')
  .description('take a payment (settles the oldest fines first)')
  .requiredOption('--card <card>', 'patron card number')
  .requiredOption('--amount <amount>', 'amount, e.g. 2.50')
  .addOption(asOf())
  .action(async (o: { card: string; amount: string }, command: Command) => {
    const opts = globals(command);
    const cents = parseAmount(o.amount);
    if (cents === undefined) throw refuse(ErrorCode.INVALID_AMOUNT, '--amount takes an amount such as 2.50.', 'amount');
    const result = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'fines-collection')(pay, { cardNumber: o.card, amountCents: cents }));
    emit(opts.json, { ...result, amount: formatAmount(result.amountCents), balance: formatAmount(result.balanceCents) }, () =>
      `Payment of ${money(result.amountCents)} taken; ${money(result.balanceCents)} still owed.`,
    );
  });

const holds = program.command('holds').description('holds');
holds
  .command('place')
  .description('place a hold for a patron on an item')
  .requiredOption('--card <card>', 'patron card number')
  .requiredOption('--item <barcode>', 'item barcode')
  .option('--pickup <branch>', 'pick-up branch code (default: the item’s branch)')
  .addOption(asOf())
  .action(async (o: { card: string; item: string; pickup?: string }, command: Command) => {
    const opts = globals(command);
    const hold = await withRuntime(opts, false, (runtime) =>
      systemRun(runtime, 'circulation')(placeHold, { cardNumber: o.card, itemBarcode: o.item, ...(o.pickup ? { pickupBranch: o.pickup } : {}) }),
    );
    emit(opts.json, hold, () => `Hold ${hold.id} placed (${hold.status}).`);
  });
holds
  .command('cancel')
  .description('cancel a hold')
  .requiredOption('--id <hold-id>', 'hold id')
  .addOption(asOf())
  .action(async (o: { id: string }, command: Command) => {
    const opts = globals(command);
    const hold = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'circulation')(cancelHold, { holdId: o.id }));
    emit(opts.json, hold, () => `Hold ${hold.id} cancelled.`);
  });
holds
  .command('expire')
  .description('expire ready holds whose pick-up deadline has passed')
  .option('--library <id>', 'only this library')
  .addOption(asOf())
  .action(async (o: { library?: string }, command: Command) => {
    const opts = globals(command);
    const result = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'circulation')(expireHolds, o.library ? { libraryId: o.library } : {}));
    emit(opts.json, result, () => `${result.expired} hold(s) expired.`);
  });

const keysCommand = program.command('keys').description('the vault’s keys');
keysCommand
  .command('rotate')
  .description('new key-encryption key in the key file; rewraps every key, no downtime; run again to resume if interrupted')
  .action(async (_o, command: Command) => {
    const opts = globals(command);
    const target = opts.db ?? config.database;
    let opened: Awaited<ReturnType<typeof openRuntime>> | undefined;
    const progress = opts.json ? () => undefined : progressLine('rewrapping data keys');
    try {
      const report = await rotateKeyFile(
        config.keyFile,
        async () => {
          opened = await openRuntime(target, clockFor(undefined), { create: false, keyFile: config.keyFile });
          return opened.runtime.vault;
        },
        { onProgress: progress },
      );
      emit(opts.json, report, () => `\nKey rotated: current key ${report.current}; retired ${report.retired.join(', ') || 'none'}; ${report.rewrapped} key(s) rewrapped${report.resumed ? ' (resumed an interrupted rotation)' : ''}.`);
    } finally {
      await opened?.close();
    }
  });
keysCommand
  .command('status')
  .description('which key-encryption keys wrap how many data keys')
  .action(async (_o, command: Command) => {
    const opts = globals(command);
    const status = await withRuntime(opts, false, async (runtime) => ({
      current: runtime.vault.keyring.current,
      keyRing: runtime.vault.keyring.ids,
      dataKeys: await runtime.vault.keyCounts(),
    }));
    emit(opts.json, status, () => `Current key ${status.current}; key ring ${status.keyRing.join(', ')}; ${status.dataKeys.total} data key(s): ${Object.entries(status.dataKeys.byKek).map(([k, n]) => `${n} under ${k}`).join(', ') || 'none'}.`);
  });
keysCommand
  .command('purge')
  .description('destroy the keys of deleted patrons whose key-store retention has passed')
  .addOption(asOf())
  .action(async (_o, command: Command) => {
    const opts = globals(command);
    // Opening the vault already destroys what is past the retention; report that too.
    const destroyed = await withRuntime(opts, false, async (runtime) => runtime.vault.destroyedOnOpen + (await runtime.vault.destroyExpired(runtime.clock.now())));
    emit(opts.json, { destroyed }, () => `${destroyed} shredded key(s) destroyed.`);
  });

program
  .command('export-patron')
  .description('print everything held about one patron as one JSON document')
  .requiredOption('--card <card>', 'patron card number')
  .addOption(asOf())
  .action(async (o: { card: string }, command: Command) => {
    const opts = globals(command);
    const document = await withRuntime(opts, false, (runtime) => systemRun(runtime, 'account-service')(exportPatron, { cardNumber: o.card }));
    // The export is a JSON document whether or not --json is given.
    emit(true, document, () => '');
  });

// `carrel patron card-lost|reissue` (src/cli/patron-service.commands.ts).
registerPatronServiceCommands(patron, { withRuntime, globals, asOf });
// `carrel backup` and `carrel restore` (src/cli/backup.commands.ts).
registerBackupCommands(program, { withRuntime, globals, asOf });
// `carrel records …` (src/cli/record-series.commands.ts).
registerRecordSeriesCommands(program, { withRuntime, globals, asOf });
// `carrel session|program|room|ill|reference` (src/cli/services.commands.ts).
registerServiceCommands(program, { withRuntime, globals, asOf });
// `carrel retention run` and `carrel profiles list|check` (src/cli/retention.commands.ts).
registerRetentionCommands(program, { withRuntime, globals, asOf });
// `carrel verify-log` (src/cli/access-log.commands.ts).
registerAccessLogCommands(program, { withRuntime, globals, asOf });
registerTransparencyCommands(program, { withRuntime, globals, asOf });
// `carrel audit-report` (src/cli/audit-report.commands.ts): the privacy audit report (CB-I).
registerAuditReportCommands(program, { withRuntime, globals, asOf });
// `carrel stats` (src/cli/statistics.commands.ts).
registerStatisticsCommands(program, { withRuntime, globals, asOf });
// `carrel legal-request …` (src/cli/disclosure.commands.ts).
registerDisclosureCommands(program, { withRuntime, globals, asOf });
// `carrel privacy-policy` (src/cli/privacy-policy.commands.ts).
registerPrivacyPolicyCommands(program, { withRuntime, globals, asOf });

/** A progress line on stderr that rewrites itself (for long operator commands). */
function progressLine(label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (percent === last) return;
    last = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% (${done}/${total})`);
  };
}

/** Reads an item CSV; any bad row fails the whole file with its line number. */
function readItemCsv(file: string, defaultLibrary: string | undefined): (AddItemInput & { line: number })[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw refuse(ErrorCode.IMPORT_FAILED, `Cannot read ${file}.`, 'file');
  }
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw refuse(ErrorCode.IMPORT_FAILED, `The file is not valid CSV${line ? ` (line ${line})` : ''}; nothing was imported.`, 'file');
  }
  const problems: Problem[] = [];
  const rows = records.map(({ record, info }) => {
    const line = info.lines;
    const cost = record.replacement_cost ? parseAmount(record.replacement_cost) : null;
    if (cost === undefined) problems.push({ code: ErrorCode.INVALID_AMOUNT, message: `line ${line}: replacement_cost is not an amount.`, field: 'replacement_cost' });
    const libraryId = record.library || defaultLibrary;
    if (!libraryId) problems.push({ code: ErrorCode.VALIDATION_FAILED, message: `line ${line}: no library column and no --library.`, field: 'library' });
    return {
      line,
      libraryId: libraryId ?? '',
      barcode: record.barcode ?? '',
      title: record.title ?? '',
      author: record.author || null,
      isbn: record.isbn || null,
      ...(record.type ? { itemType: record.type } : {}),
      ...(record.branch ? { branch: record.branch } : {}),
      replacementCostCents: cost ?? null,
    };
  });
  if (rows.length === 0) problems.push({ code: ErrorCode.IMPORT_FAILED, message: 'The file has no item rows.' });
  if (problems.length > 0) throw new DomainError(problems);
  return rows;
}

/** Where the database is, fit to print: a PostgreSQL URL loses its password. */
function describeTarget(target: string): string {
  return isPostgresUrl(target) ? redactUrl(target) : target;
}

function describeDemo(demo: Awaited<ReturnType<typeof loadDemoLibrary>>): string {
  return [
    `Demo library "${demo.libraryId}": ${demo.branches} branches, ${demo.items} items, ${demo.patrons} patrons (${demo.minors} minors with guardians),`,
    `  ${demo.activeLoans} loans out, ${demo.holds} holds, ${demo.openFines} open fines. All people in it are fictional.`,
    `  ${demo.retentionRuns} retention runs replayed: npx carrel retention history --library ${demo.libraryId}`,
    `  Try: npx carrel checkout --card ${demo.sample.cardNumber} --item ${demo.sample.itemBarcode}`,
    `       npx carrel checkin --item ${demo.sample.itemBarcode}`,
    `  The sample patron logs in with card ${demo.sample.cardNumber} and PIN ${demo.sample.pin} (POST /api/v1/auth/patron-login).`,
    '  Demo staff accounts (passwords shown once):',
    ...demo.staff.map((s) => `    ${s.username.padEnd(16)} ${s.role.padEnd(15)} ${s.password}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof KeyFileError || error instanceof VaultError) {
      process.stderr.write(`carrel: ${error.message}\n`);
      return EXIT.fault;
    }
    if (error instanceof ProfileError) {
      // A broken profile file is a configuration mistake: name the file, the field, the problem.
      process.stderr.write(`carrel: invalid policy profile: ${error.message}\n`);
      return EXIT.usage;
    }
    return report(program.opts<GlobalOptions>().json, error);
  }
}

// `start` keeps the process alive while it serves; every other command ends with its status.
process.exitCode = await main(process.argv);
