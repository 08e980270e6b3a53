import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { translator } from '../i18n/messages.js';
import { renderPolicyHtml, renderPolicyMarkdown } from '../report/privacy-policy.render.js';
import { publishedPolicy } from '../usecases/privacy-policy.usecases.js';
import { emit } from './output.js';
import type { CommandHelpers } from './command-helpers.js';

/** What main.ts lends the privacy-policy command. */
export type PrivacyPolicyCommandHelpers = Pick<CommandHelpers, 'withRuntime' | 'globals' | 'asOf' | 'runAs'>;

/**
 * `carrel privacy-policy --library ID [--format html|md|json] [--lang en|es] [--out FILE]`: the library's published
 * privacy policy (CB-A9) with its version history (RR-10), the same page `GET /libraries/{id}/privacy-policy`
 * serves, to put on the library's own website or on paper. English unless `--lang` names another language.
 */
export function registerPrivacyPolicyCommands(program: Command, helpers: PrivacyPolicyCommandHelpers): void {
  const { runAs, globals, asOf } = helpers;
  program
    .command('privacy-policy')
    .description('the library’s published privacy policy: what is kept, why, how long, who sees it, when it could be disclosed, your rights, and what changed')
    .requiredOption('--library <id>', 'library id')
    .addOption(new Option('--format <format>', 'html, md or json').choices(['html', 'md', 'json']).default('html'))
    .option('--lang <language>', 'the language of the policy: en or es', 'en')
    .option('--out <file>', 'write it to this file instead of standard output')
    .addOption(asOf())
    .action(async (o: { library: string; format: 'html' | 'md' | 'json'; lang: string; out?: string }, command: Command) => {
      const opts = globals(command);
      const policy = await runAs(opts, 'administration')(publishedPolicy, { libraryId: o.library, language: o.lang });
      const format = opts.json === true ? 'json' : o.format;
      const tr = translator(policy.language);
      const text = format === 'json' ? `${JSON.stringify(policy, null, 2)}\n` : format === 'md' ? renderPolicyMarkdown(tr, policy) : renderPolicyHtml(tr, policy);
      if (o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      writeFileSync(o.out, text);
      emit(opts.json, { libraryId: policy.library.id, version: policy.policy.version, format, file: o.out }, () => `Privacy policy of ${policy.library.id} (version ${policy.policy.version}) written to ${o.out}.`);
    });
}
