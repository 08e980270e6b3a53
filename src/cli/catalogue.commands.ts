import type { Command } from 'commander';
import type { CommandHelpers } from './command-helpers.js';
import { tr } from './output.js';
import { registerCatalogueImportCommand } from './catalogue-import.command.js';
import { registerCatalogueSearchCommands } from './catalogue-search.commands.js';

/** `carrel catalogue …`: bibliographic records — search and show them, import them from MARC21. */
export function registerCatalogueCommands(program: Command, helpers: CommandHelpers): void {
  const catalogue = program.command('catalogue').description(tr.t('cli.catalogue.help'));
  registerCatalogueSearchCommands(catalogue, helpers);
  registerCatalogueImportCommand(catalogue, helpers);
}
