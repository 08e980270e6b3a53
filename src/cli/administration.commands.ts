import { InvalidArgumentError, Option, type Command } from 'commander';
import { ROLES, SYSTEM } from '../policy/actors.js';
import { createLibrary } from '../usecases/library.usecases.js';
import { DEFAULT_PROFILE, listProfiles, SHIPPED_PROFILES } from '../usecases/profile.usecases.js';
import { SYSTEM_ROLES } from '../domain/roles.js';
import { createStaff, disableStaff, enableStaff, listStaff, resetStaffPassword, updateStaff, type Placement, type StaffView } from '../usecases/staff.usecases.js';
import { emit, tr } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel library add` and `carrel staff add|list|disable|enable|roles|reset-password`: the libraries of the installation and their staff. */
export function registerAdministrationCommands(program: Command, helpers: CommandHelpers): void {
  const { runAs, globals } = helpers;

  const library = program.command('library').description(tr.t('cli.library.help'));
  library
    .command('add')
    .description(tr.t('cli.library.add.help'))
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
      emit(opts.json, { ...created.library, branches: created.branches }, () => tr.t('cli.library.added', { id: created.library.id, profile: created.library.profileId, branches: created.branches.map((b) => b.code).join(', ') }));
    });

  const staff = program.command('staff').description(tr.t('cli.staff.help'));
  staff
    .command('add')
    .description(tr.t('cli.staff.add.help'))
    .requiredOption('--username <name>', 'log-in name')
    .option('--library <id...>', 'the library the account works for (required when there are several); repeated, libraries that all share patrons')
    .option('--libraries <ids>', 'comma-separated libraries the account works for, all sharing patrons (the first its home)', commaList)
    .addOption(new Option('--consortium', 'an account without a library: only the admin role, reaching no patron').conflicts(['library', 'libraries']))
    .addOption(new Option('--role <role...>', 'one or more roles').choices([...ROLES]).default(['circulation']))
    .action(async (o: { username: string; library?: string[]; libraries?: string[]; consortium?: boolean; role: string[] }, command: Command) => {
      const opts = globals(command);
      const created = await runAs(opts, 'administration')(createStaff, { username: o.username, ...placement(o), roles: o.role });
      const doc = { id: created.account.id, username: created.account.username, libraryId: created.account.libraryId, libraryIds: created.account.libraryIds, roles: created.account.roles, password: created.password };
      emit(opts.json, doc, () => tr.t('cli.staff.added', { username: doc.username, password: doc.password }));
    });

  staff
    .command('list')
    .description(tr.t('cli.staff.list.help'))
    .option('--library <id>', 'only this library’s accounts')
    .action(async (o: { library?: string }, command: Command) => {
      const opts = globals(command);
      const accounts = await runAs(opts, 'administration')(listStaff, { libraryId: o.library });
      emit(opts.json, accounts, () =>
        accounts.length === 0
          ? tr.t('cli.staff.list.none')
          : accounts
              .map((a) =>
                [a.username, librariesOf(a), a.roles.join(','), a.disabled ? tr.t('cli.staff.disabledMark') : '', a.mustChangePassword ? tr.t('cli.staff.mustChangePassword') : '']
                  .filter(Boolean)
                  .join('  '),
              )
              .join('\n'),
      );
    });

  staff
    .command('disable')
    .description(tr.t('cli.staff.disable.help'))
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { username: string }, command: Command) => {
      const opts = globals(command);
      const account = await runAs(opts, 'administration')(disableStaff, { username: o.username });
      emit(opts.json, account, () => tr.t('cli.staff.disabled', { username: account.username }));
    });

  staff
    .command('enable')
    .description(tr.t('cli.staff.enable.help'))
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { username: string }, command: Command) => {
      const opts = globals(command);
      const account = await runAs(opts, 'administration')(enableStaff, { username: o.username });
      emit(opts.json, account, () => tr.t('cli.staff.enabled', { username: account.username }));
    });

  staff
    .command('roles')
    .description(tr.t('cli.staff.roles.help'))
    .requiredOption('--username <name>', 'the account')
    .addOption(new Option('--role <role...>', 'the roles it holds from now on').choices([...ROLES]))
    .addOption(new Option('--library <id...>', 'move the account to this library (repeated: libraries that all share patrons)').conflicts('consortium'))
    .addOption(new Option('--libraries <ids>', 'comma-separated libraries the account works for, all sharing patrons').argParser(commaList).conflicts('consortium'))
    .option('--consortium', 'take the account out of every library (only the admin role)')
    .action(async (o: { username: string; role?: string[]; library?: string[]; libraries?: string[]; consortium?: boolean }, command: Command) => {
      const opts = globals(command);
      if (o.role === undefined && o.library === undefined && o.libraries === undefined && !o.consortium) command.error('error: give --role, --library, --libraries or --consortium', { exitCode: 2 });
      const account = await runAs(opts, 'administration')(updateStaff, { username: o.username, roles: o.role, ...placement(o) });
      emit(opts.json, account, () =>
        account.libraryId === null
          ? tr.t('cli.staff.rolesConsortium', { username: account.username, roles: account.roles.join(', ') })
          : tr.t('cli.staff.rolesAt', { username: account.username, roles: account.roles.join(', '), library: account.libraryIds.join(', ') }));
    });

  staff
    .command('reset-password')
    .description(tr.t('cli.staff.resetPassword.help'))
    .requiredOption('--username <name>', 'the account')
    .action(async (o: { username: string }, command: Command) => {
      const opts = globals(command);
      const reset = await runAs(opts, 'administration')(resetStaffPassword, { username: o.username });
      const doc = { ...reset.account, password: reset.password };
      emit(opts.json, doc, () => tr.t('cli.staff.passwordReset', { username: doc.username, password: doc.password }));
    });
}

/** `--libraries a,b`: the ids, without blanks. */
function commaList(value: string): string[] {
  return value.split(',').map((id) => id.trim()).filter(Boolean);
}

/**
 * The placement a staff command asks for: `--consortium` (no library), the libraries named by
 * `--library` (repeated) and `--libraries`, or nothing (the use case takes the only library, or asks).
 */
function placement(o: { library?: string[]; libraries?: string[]; consortium?: boolean }): Placement {
  if (o.consortium) return { libraryId: null };
  const ids = [...(o.library ?? []), ...(o.libraries ?? [])];
  if (ids.length === 0) return {};
  return ids.length === 1 ? { libraryId: ids[0] } : { libraryIds: ids };
}

/**
 * An account's libraries as `carrel staff list` shows them: the list, or, without a library, that it
 * runs the system, or that its roles about patrons count for nothing until it is placed in a library.
 */
function librariesOf(account: StaffView): string {
  if (account.libraryIds.length > 0) return account.libraryIds.join(',');
  return account.roles.every((role) => (SYSTEM_ROLES as readonly string[]).includes(role)) ? tr.t('cli.staff.consortium') : tr.t('cli.staff.noLibrary');
}
