import { InvalidArgumentError, Option, type Command } from 'commander';
import { ROLES, SYSTEM } from '../policy/actors.js';
import { createLibrary } from '../usecases/library.usecases.js';
import { DEFAULT_PROFILE, listProfiles, SHIPPED_PROFILES } from '../usecases/profile.usecases.js';
import { createStaff } from '../usecases/staff.usecases.js';
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel library add` and `carrel staff add`: the libraries of the installation and their staff. */
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
      const created = await runAs(opts, 'administration')(createStaff, { username: o.username, libraryId: o.library ?? null, roles: o.role });
      const doc = { id: created.account.id, username: created.account.username, libraryId: created.account.libraryId, roles: created.account.roles, password: created.password };
      emit(opts.json, doc, () => `Staff account ${doc.username} added.\n  password: ${doc.password}\nThis password is shown once.`);
    });
}
