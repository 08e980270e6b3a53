import type { Command } from 'commander';
import type { CommandHelpers } from './command-helpers.js';

/** `carrel catalogue search` and `carrel catalogue show`. */
export function registerCatalogueSearchCommands(_catalogue: Command, _helpers: CommandHelpers): void {}
