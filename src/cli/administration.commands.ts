import { InvalidArgumentError, Option, type Command } from 'commander';
import { ROLES, SYSTEM } from '../policy/actors.js';
import { createLibrary } from '../usecases/library.usecases.js';
import { DEFAULT_PROFILE, listProfiles, SHIPPED_PROFILES } from '../usecases/profile.usecases.js';
import { createStaff, disableStaff, enableStaff, listStaff, resetStaffPassword, updateStaff } from '../usecases/staff.usecases.js';
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel library add` and `carrel staff add|list|disable|enable|roles|reset-password`: the libraries of the installation and their staff. */
export function registerAdministrationCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals } = helpers;

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
          if (!listProfiles({ actor: SYSTEM }).some((p) => p.id === value)) throw new InvalidArgumentError(`no such profile; \`carrel profiles list\` shows them.`);
          return value;
        }),
    )
    .option('--time-zone <zone>', 'IANA time zone for due dates (e.g. America/Denver)', 'UTC')
    .action(async (o: { id: string; name: string; profile: string; timeZone: string }, command: Command) => {
      const opts = globals(command);
      const created = await runAs(opts, 'administration')(createLibrary, { id: o.id, name: o.name, profileId: o.profile, timeZone: o.timeZone });
      emit(opts.json, { ...created.library, branches: created.branches }, () => `Library ${created.library.id} added (profile ${created.library.profileId}; branch ${created.branches.map((b) => b.code).join(', ')}).`);
    });

  const staff = program.command('staff').description('staff accounts: add, list, disable, enable, roles, reset-password');
  staff
    .command('add')
    .description('add a staff account; its generated password is printed once')
    .requiredOption('--username <name>', 'log-in name')
    .option('--library <id>', 'the library the account works for (omit for consortium-wide)')
    .addOption(new Option('--role <role...>', 'one or more roles').choices([...ROLES]).default(['circulation']))
    .action(async (o: { username: string; library?: string; role: string[] }, command: Command) => {
      const opts = globals(command);
      const created = await runAs(opts, 'administration')(createStaff, { username: o.username, libraryId: o.library ?? null, roles: o.role });
      const doc = { id: created.account.id, username: created.account.username, libraryId: created.account.libraryId, roles: created.account.roles, password: created.password };
      emit(opts.json, doc, () => `Staff account ${doc.username} added.\n  password: ${doc.password}\nThis password is shown once.`);
    });

  staff
    .command('list')
    .description('list staff accounts (never their passwords)')
    .option('--library <id>', 'only this library’s accounts')
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const accounts = await runAs(opts, 'administration')(listStaff, { libraryId: o.library });
      emit(opts.json, accounts, () =>
        accounts.length === 0
          ? 'No staff accounts.'
          : accounts
              .map((a) => `${a.username}  ${a.libraryId ?? '(consortium)'}  ${a.roles.join(',')}${a.disabled ? '  disabled' : ''}${a.mustChangePassword ? '  must change password' : ''}`)
              .join('\n'),
      );
    });

  staff
    .command('disable')
    .description('disable an account: it cannot log in, and its open sessions end at once')
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { username: string }, command: Command) => {
      const opts = globals(command);
      const account = await runAs(opts, 'administration')(disableStaff, { username: o.username });
      emit(opts.json, account, () => `Staff account ${account.username} disabled; its sessions ended.`);
    });

  staff
    .command('enable')
    .description('let a disabled account log in again')
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { username: string }, command: Command) => {
      const opts = globals(command);
      const account = await runAs(opts, 'administration')(enableStaff, { username: o.username });
      emit(opts.json, account, () => `Staff account ${account.username} enabled.`);
    });

  staff
    .command('roles')
    .description('set an account’s roles (and, with --library or --consortium, its home library)')
    .requiredOption('--username <name>', 'the account')
    .addOption(new Option('--role <role...>', 'the roles it holds from now on').choices([...ROLES]))
    .addOption(new Option('--library <id>', 'move the account to this library').conflicts('consortium'))
    .option('--consortium', 'make the account consortium-wide')
    .action(async (o: { username: string; role?: string[]; library?: string; consortium?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.role === undefined && o.library === undefined && !o.consortium) command.error('error: give --role, --library or --consortium', { exitCode: 2 });
      const account = await runAs(opts, 'administration')(updateStaff, {
        username: o.username,
        roles: o.role,
        libraryId: o.consortium ? null : o.library,
      });
      emit(opts.json, account, () => `Staff account ${account.username}: ${account.roles.join(', ')} at ${account.libraryId ?? 'the whole consortium'}.`);
    });

  staff
    .command('reset-password')
    .description('reset an account’s password; the new one is printed once and must be changed at the next log-in')
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { username: string }, command: Command) => {
      const opts = globals(command);
      const reset = await runAs(opts, 'administration')(resetStaffPassword, { username: o.username });
      const doc = { ...reset.account, password: reset.password };
      emit(opts.json, doc, () => `Password of ${doc.username} reset; its sessions ended.\n  password: ${doc.password}\nThis password is shown once and must be changed at the next log-in.`);
    });
}
