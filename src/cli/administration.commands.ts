import { InvalidArgumentError, Option, type Command } from 'commander';
import { ROLES, SYSTEM } from '../policy/actors.js';
import { createLibrary } from '../usecases/library.usecases.js';
import { DEFAULT_PROFILE, listProfiles, SHIPPED_PROFILES } from '../usecases/profile.usecases.js';
import { createStaff, disableStaff, enableStaff, listStaff, resetStaffPassword, updateStaff } from '../usecases/staff.usecases.js';
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
    .option('--library <id>', 'the library the account works for (omit for consortium-wide)')
    .addOption(new Option('--role <role...>', 'one or more roles').choices([...ROLES]).default(['circulation']))
    .action(async (o: { username: string; library?: string; role: string[] }, command: Command) => {
      const opts = globals(command);
      const created = await runAs(opts, 'administration')(createStaff, { username: o.username, libraryId: o.library ?? null, roles: o.role });
      const doc = { id: created.account.id, username: created.account.username, libraryId: created.account.libraryId, roles: created.account.roles, password: created.password };
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
                [a.username, a.libraryId ?? tr.t('cli.staff.consortium'), a.roles.join(','), a.disabled ? tr.t('cli.staff.disabledMark') : '', a.mustChangePassword ? tr.t('cli.staff.mustChangePassword') : '']
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
      emit(opts.json, account, () =>
        account.libraryId === null
          ? tr.t('cli.staff.rolesConsortium', { username: account.username, roles: account.roles.join(', ') })
          : tr.t('cli.staff.rolesAt', { username: account.username, roles: account.roles.join(', '), library: account.libraryId }));
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
