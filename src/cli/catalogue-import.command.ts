import type { Command } from 'commander';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel catalogue import FILE`: MARC21 records and their holdings. */
export function registerCatalogueImportCommand(_catalogue: Command, _helpers: CommandHelpers): void {}
