import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import net from 'node:net';
import tls from 'node:tls';
import { Option, type Command } from 'commander';
import { SIP2_ACCOUNT_KINDS, SIP2_BX_ORDER, SIP2_CHARSETS, SIP2_PATRON_FIELDS, type Sip2Account } from '../domain/sip2.js';
import { ErrorCode, refuse } from '../domain/errors.js';
import { createSip2Account, disableSip2Account, enableSip2Account, listSip2Accounts, resetSip2Password, updateSip2Account } from '../usecases/sip2-account.usecases.js';
import { decodeText, formatResponse, Sip2Framer } from '../sip2/codec.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What SIP2 message codes mean, for people reading `carrel sip2 account list`. */
const MESSAGE_NAMES: Record<string, string> = {
  '23': 'patron status',
  '11': 'checkout',
  '09': 'checkin',
  '01': 'block patron',
  '99': 'SC status',
  '97': 'resend',
  '93': 'login',
  '63': 'patron information',
  '35': 'end patron session',
  '37': 'fee paid',
  '17': 'item information',
  '19': 'item status update',
  '25': 'patron enable',
  '15': 'hold',
  '29': 'renew',
  '65': 'renew all',
};

function describeAccount(a: Sip2Account): string {
  return [
    `${a.name}  (${a.kind}, login id ${a.loginId}${a.disabled ? ', disabled' : ''})`,
    `  branch ${a.branchId}; connects from ${a.allowedCidrs.join(', ')}; ${a.charset}${a.requireErrorDetection ? '; checksums required' : ''}${a.pinRequired ? '' : '; no PIN required'}`,
    `  sends: ${a.messages.map((m) => `${m} ${MESSAGE_NAMES[m] ?? ''}`.trim()).join(', ')}`,
    `  receives: ${a.patronFields.length === 0 ? 'nothing about patrons' : a.patronFields.join(', ')}`,
    ...(a.kind === 'sorter' ? [`  bins: hold here ${a.sortBins.holdHere}, hold elsewhere ${a.sortBins.holdElsewhere}, other branch ${a.sortBins.otherBranch}, shelf ${a.sortBins.shelf}`] : []),
  ].join('\n');
}

interface SettingsFlags {
  cidr?: string[];
  messages?: string[];
  fields?: string[];
  charset?: string;
  requireChecksum?: boolean;
  pin?: boolean;
  bins?: string;
}

/** The settings flags shared by `add` and `edit`; each left out keeps the default (or the current value). */
function settingsOptions(command: Command): Command {
  return command
    .option('--cidr <block...>', 'addresses the machine may connect from (CIDR; default 127.0.0.1/32 and ::1/128)')
    .option('--messages <code...>', 'the SIP2 messages it may send (default: all its kind may)')
    .addOption(new Option('--fields <field...>', 'the patron fields it may receive (default: its kind’s minimum)').choices([...SIP2_PATRON_FIELDS]))
    .addOption(new Option('--charset <charset>', 'the machine’s character set').choices([...SIP2_CHARSETS]))
    .option('--require-checksum', 'refuse messages without a sequence number and checksum')
    .option('--no-pin', 'patrons need no PIN at this machine (card alone)')
    .option('--bins <list>', 'a sorter’s bins: holdHere,holdElsewhere,otherBranch,shelf (e.g. 1,2,3,4)');
}

function settingsFrom(o: SettingsFlags) {
  const bins = o.bins?.split(',');
  return {
    allowedCidrs: o.cidr,
    messages: o.messages,
    patronFields: o.fields,
    charset: o.charset,
    requireErrorDetection: o.requireChecksum,
    pinRequired: o.pin === false ? false : undefined,
    sortBins: bins ? { holdHere: bins[0] ?? '', holdElsewhere: bins[1] ?? '', otherBranch: bins[2] ?? '', shelf: bins[3] ?? '' } : undefined,
  };
}

/** `carrel sip2 account add|list|edit|disable|enable|reset-password` and `carrel sip2 ping`. */
export function registerSip2Commands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals } = helpers;
  const sip2 = program.command('sip2').description(tr.t('cli.sip2.help'));
  const account = sip2.command('account').description(tr.t('cli.sip2.account.help'));

  settingsOptions(
    account
      .command('add')
      .description(tr.t('cli.sip2.account.add.help'))
      .requiredOption('--library <id>', 'the library')
      .requiredOption('--name <name>', 'a name people recognise: "Central kiosk 1", "EZproxy"')
      .addOption(new Option('--kind <kind>', 'what the machine is').choices([...SIP2_ACCOUNT_KINDS]).makeOptionMandatory())
      .requiredOption('--branch <code>', 'the branch it stands in')
      .option('--login-id <id>', 'its SIP2 login id (default: from the name)'),
  ).action(async (o: SettingsFlags & { library: string; name: string; kind: string; branch: string; loginId?: string }, command: Command) => {
    const opts = globals(command);
    const created = await runAs(opts, 'administration')(createSip2Account, { libraryId: o.library, name: o.name, kind: o.kind, branch: o.branch, loginId: o.loginId, ...settingsFrom(o) });
    emit(opts.json, { ...created.account, password: created.password }, () => `SIP2 account added.\n${describeAccount(created.account)}\n  password: ${created.password}\nThis password is shown once; enter it in the machine's SIP2 settings now.`);
  });

  account
    .command('list')
    .description(tr.t('cli.sip2.account.list.help'))
    .requiredOption('--library <id>', 'the library')
    .action(async (o: { library: string }, command: Command) => {
      const opts = globals(command);
      const accounts = await runAs(opts, 'administration')(listSip2Accounts, { libraryId: o.library });
      emit(opts.json, accounts, () => (accounts.length === 0 ? 'No SIP2 accounts.' : accounts.map(describeAccount).join('\n')));
    });

  settingsOptions(
    account
      .command('edit')
      .description(tr.t('cli.sip2.account.edit.help'))
      .requiredOption('--library <id>', 'the library')
      .requiredOption('--name <name>', 'the account')
      .option('--branch <code>', 'the branch it stands in'),
  ).action(async (o: SettingsFlags & { library: string; name: string; branch?: string }, command: Command) => {
    const opts = globals(command);
    const changed = await runAs(opts, 'administration')(updateSip2Account, { libraryId: o.library, name: o.name, branch: o.branch, ...settingsFrom(o) });
    emit(opts.json, changed, () => `SIP2 account changed.\n${describeAccount(changed)}`);
  });

  for (const [name, useCase, said] of [
    ['disable', disableSip2Account, 'disabled: it cannot log in, and its open connections end at their next message'],
    ['enable', enableSip2Account, 'enabled'],
  ] as const) {
    account
      .command(name)
      .description(name === 'disable' ? tr.t('cli.sip2.account.disable.help') : tr.t('cli.sip2.account.enable.help'))
      .requiredOption('--library <id>', 'the library')
      .requiredOption('--name <name>', 'the account')
      .action(async (o: { library: string; name: string }, command: Command) => {
        const opts = globals(command);
        const done = await runAs(opts, 'administration')(useCase, { libraryId: o.library, name: o.name });
        emit(opts.json, done, () => `SIP2 account ${done.name} ${said}.`);
      });
  }

  account
    .command('reset-password')
    .description(tr.t('cli.sip2.account.resetPassword.help'))
    .requiredOption('--library <id>', 'the library')
    .requiredOption('--name <name>', 'the account')
    .action(async (o: { library: string; name: string }, command: Command) => {
      const opts = globals(command);
      const reset = await runAs(opts, 'administration')(resetSip2Password, { libraryId: o.library, name: o.name });
      emit(opts.json, { id: reset.account.id, name: reset.account.name, password: reset.password }, () => `New password for ${reset.account.name}: ${reset.password}\nThis password is shown once.`);
    });

  sip2
    .command('ping')
    .description(tr.t('cli.sip2.ping.help'))
    .requiredOption('--library <id>', 'the library')
    .requiredOption('--account <name>', 'the account to log in as')
    .option('--host <address>', 'the SIP2 server', helpers.config.sip2Host)
    .option('--port <n>', 'its port (CARREL_SIP2_PORT)', helpers.config.sip2Port === null ? undefined : String(helpers.config.sip2Port))
    .option('--tls', 'connect over TLS')
    .option('--ca <file>', 'PEM certificate to trust (a self-signed server certificate)')
    .option('--password-file <file>', 'a file holding the account’s password')
    .action(async (o: { library: string; account: string; host: string; port?: string; tls?: boolean; ca?: string; passwordFile?: string }, command: Command) => {
      const opts = globals(command);
      const port = Number(o.port);
      if (o.port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give the SIP2 port: --port or CARREL_SIP2_PORT.', 'port');
      const password = o.passwordFile ? readFileSync(o.passwordFile, 'utf8').trim() : process.env.CARREL_SIP2_PASSWORD;
      if (!password) throw refuse(ErrorCode.VALIDATION_FAILED, 'Give the account’s password in CARREL_SIP2_PASSWORD or --password-file (never on the command line).', 'password');
      const found = (await runAs(opts, 'administration')(listSip2Accounts, { libraryId: o.library })).find((a) => a.name === o.account);
      if (!found) throw refuse(ErrorCode.SIP2_ACCOUNT_NOT_FOUND, 'No SIP2 account with that name in the library.', 'account');
      const result = await ping({ host: o.host, port, tls: o.tls === true, ca: o.ca ? readFileSync(o.ca) : undefined, loginId: found.loginId, password });
      if (!result.login) throw refuse(ErrorCode.INVALID_CREDENTIALS, `The SIP2 server refused the login of ${found.name} (wrong password, disabled, or not allowed from this address).`);
      emit(opts.json, result, () =>
        [
          `Logged in as ${found.name} in ${result.loginMs} ms; SC status answered in ${result.statusMs} ms.`,
          `  online: ${result.online ? 'yes' : 'no'}; library: ${result.libraryName}; location: ${result.location}; server time: ${result.serverTime}`,
          `  this account may send: ${result.supported.map((c) => `${c} ${MESSAGE_NAMES[c] ?? ''}`.trim()).join(', ')}`,
        ].join('\n'),
      );
    });
}

interface PingResult {
  login: boolean;
  loginMs: number;
  statusMs: number | null;
  online: boolean | null;
  libraryName: string | null;
  location: string | null;
  serverTime: string | null;
  supported: string[];
}

/** Logs in and sends SC status, with error detection, over a fresh connection; answers what came back. */
async function ping(target: { host: string; port: number; tls: boolean; ca: Buffer | undefined; loginId: string; password: string }): Promise<PingResult> {
  const socket = target.tls
    ? tls.connect({ host: target.host, port: target.port, ...(target.ca ? { ca: target.ca } : {}), servername: net.isIP(target.host) ? undefined : target.host })
    : net.connect({ host: target.host, port: target.port });
  const framer = new Sip2Framer({ maxMessageBytes: 65_536 });
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const message of framer.push(chunk).messages) {
      const line = decodeText(message, 'utf-8');
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  const failed = new Promise<never>((_, reject) => {
    socket.once('error', (error) => reject(refuse(ErrorCode.VALIDATION_FAILED, `Could not reach the SIP2 server: ${error.message}`)));
    socket.setTimeout(10_000, () => reject(refuse(ErrorCode.VALIDATION_FAILED, 'The SIP2 server did not answer within 10 seconds.')));
  });
  const ask = (line: string) => {
    socket.write(line);
    return Promise.race([new Promise<string>((resolve) => (lines.length > 0 ? resolve(lines.shift() as string) : waiting.push(resolve))), failed]);
  };
  try {
    let started = performance.now();
    const login = await ask(formatResponse('93', ['0', '0'], [['CN', target.loginId], ['CO', target.password]], '0'));
    const loginMs = Math.round(performance.now() - started);
    if (!login.startsWith('941')) return { login: false, loginMs, statusMs: null, online: null, libraryName: null, location: null, serverTime: null, supported: [] };
    started = performance.now();
    const status = await ask(formatResponse('99', ['0', '080', '2.00'], [], '1'));
    const statusMs = Math.round(performance.now() - started);
    const bx = /BX([YN]{16})/.exec(status)?.[1] ?? '';
    return {
      login: true,
      loginMs,
      statusMs,
      online: status[2] === 'Y',
      libraryName: /AM([^|]*)\|/.exec(status)?.[1] ?? null,
      location: /AN([^|]*)\|/.exec(status)?.[1] ?? null,
      // 98: six flags, timeout (3) and retries (3), then the date and time (18).
      serverTime: status.slice(14, 32),
      supported: SIP2_BX_ORDER.filter((_, i) => bx[i] === 'Y'),
    };
  } finally {
    socket.destroy();
  }
}
