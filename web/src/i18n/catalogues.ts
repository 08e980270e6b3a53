/**
 * The message catalogues the web app is built with: every `locales/<language>/*.json` file, merged per
 * language. A language is offered by adding its folder (scripts/check-messages.mjs checks it at build:
 * the same keys as English, the same arguments in each message). English is the source.
 */
import type common from '../../../locales/en/common.json';
import type errors from '../../../locales/en/errors.json';
import type deskpages from '../../../locales/en/deskpages.json';
import type publicPages from '../../../locales/en/public.json';
import type start from '../../../locales/en/start.json';
import type portal from '../../../locales/en/portal.json';
import type account from '../../../locales/en/account.json';
import type deskhome from '../../../locales/en/deskhome.json';
import type office from '../../../locales/en/office.json';
import type officerecords from '../../../locales/en/officerecords.json';
import type setup from '../../../locales/en/setup.json';
import type reportpages from '../../../locales/en/reportpages.json';
import type vocab from '../../../locales/en/vocab.json';

/** Every key of the web app's messages (the English catalogue's), so a key the catalogue lacks fails to compile. */
export type MessageId =
  | keyof typeof common
  | keyof typeof errors
  | keyof typeof deskpages
  | keyof typeof publicPages
  | keyof typeof start
  | keyof typeof portal
  | keyof typeof account
  | keyof typeof deskhome
  | keyof typeof office
  | keyof typeof officerecords
  | keyof typeof setup
  | keyof typeof reportpages
  | keyof typeof vocab;

/** Every catalogue file but the server's own namespaces (the CLI's words, the reports' and the published policy's, the vendors' sign-in pages). */
const files = import.meta.glob<Record<string, string>>(['../../../locales/*/*.json', '!../../../locales/*/{cli,report,policy,signin}.json'], { eager: true, import: 'default' });

export const CATALOGUES: Readonly<Record<string, Record<string, string>>> = (() => {
  const byLanguage: Record<string, Record<string, string>> = {};
  for (const [path, messages] of Object.entries(files)) {
    const [, language, namespace] = /\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
    if (!language || !namespace) continue;
    Object.assign((byLanguage[language] ??= {}), messages);
  }
  return byLanguage;
})();

/** The languages the web app has catalogues for, English first. */
export const AVAILABLE_LANGUAGES: readonly string[] = Object.keys(CATALOGUES).sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
