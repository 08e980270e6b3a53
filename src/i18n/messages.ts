/**
 * Carrel's words in the server's own outputs: the CLI's human output, the audit and transparency reports,
 * the published privacy policy and the words for error codes. The messages are the same ICU catalogues
 * the web app uses (locales/<language>/<namespace>.json, checked at build by scripts/check-messages.mjs),
 * formatted with FormatJS. English is the source; another language is a folder of catalogue files.
 *
 * Keys are written out whole in the code (`tr.t('cli.patron.created', { … })`), never assembled, so the
 * build (scripts/check-messages.mjs) finds every key the code uses in the catalogue and every message used.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import type { Translator } from '../domain/translator.js';

export type { MessageValues, Translator } from '../domain/translator.js';

/** The folder of catalogues: beside src/ when run from the sources, two levels up from dist/src/i18n. */
function localesDir(): string {
  for (const up of ['../../locales/', '../../../locales/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('The message catalogues (locales/) are missing from this installation.');
}

let languages: Set<string> | undefined;

/** The languages there are catalogues for (the folders of locales/), listed once. */
function languageFolders(): Set<string> {
  languages ??= new Set(readdirSync(localesDir(), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name));
  return languages;
}

/** One language's messages, read when its translator is made (a command speaks one language; `translator` keeps it). */
export function messagesOf(language: string): Record<string, string> {
  const dir = `${localesDir()}${language}`;
  const messages: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) Object.assign(messages, JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Record<string, string>);
  return messages;
}

/** The languages Carrel has catalogues for, English first. */
export function availableLanguages(): string[] {
  return [...languageFolders()].sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
}

/** Whether Carrel can speak a language. */
export function isAvailableLanguage(language: string): boolean {
  return languageFolders().has(language);
}

const cache = createIntlCache();

/**
 * A message with no ICU syntax in it formats to itself, whatever the values given: no argument and no tag
 * (no brace or angle bracket), so an apostrophe quotes nothing, unless doubled. (An empty message is
 * answered by its id, as the formatter does.) It is answered as it
 * stands, without parsing it (messages.test.ts compares every such message of every catalogue).
 */
export const PLAIN = /^(?![^]*'')[^{}<>]+$/;
const translators = new Map<string, Translator>();

/** The translator for a language (English when Carrel has no catalogue for it). */
export function translator(language = 'en'): Translator {
  const known = isAvailableLanguage(language) ? language : 'en';
  const existing = translators.get(known);
  if (existing) return existing;
  const messages = messagesOf(known);
  const locale = messages['common.meta.locale'] ?? known;
  // Made on first use: a command's help and most of its words are plain text (`plain`), and the first
  // formatter costs a command's start some 20 ms.
  let shape: IntlShape<string> | undefined;
  const intl = (): IntlShape<string> => (shape ??= createIntl({ locale, defaultLocale: 'en-US', messages, onError: () => undefined }, cache));
  const format = (id: string, values?: unknown): string => {
    const message = messages[id];
    if (message !== undefined && PLAIN.test(message)) return message;
    return intl().formatMessage({ id }, values as Record<string, string | number | boolean | Date | null | undefined>);
  };
  const asDate = (value: string | Date) => (value instanceof Date ? value : /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value));
  const made: Translator = {
    language: known,
    locale,
    t: (id, values) => format(id, values),
    error: (code) => (`errors.${code}` in messages ? format(`errors.${code}`) : undefined),
    day: (value, timeZone) =>
      intl().formatDate(asDate(value), { year: 'numeric', month: 'short', day: 'numeric', timeZone: typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'UTC' : timeZone }),
    moment: (value, timeZone) => intl().formatDate(asDate(value), { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone }),
    money: (cents, currency = 'USD') => intl().formatNumber(cents / 100, { style: 'currency', currency }),
    count: (n) => intl().formatNumber(n),
    list: (items) => String(intl().formatList(items, { type: 'conjunction' })),
  };
  translators.set(known, made);
  return made;
}

/**
 * The language of a command-line session: CARREL_LANG, else the locale's language (LC_ALL, LC_MESSAGES,
 * LANG: es_US.UTF-8 → es), when Carrel has a catalogue for it; else English.
 */
export function cliLanguage(env: NodeJS.ProcessEnv = process.env): string {
  for (const value of [env.CARREL_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    const language = value?.toLowerCase().split(/[_.@-]/)[0];
    if (language && language !== 'c' && language !== 'posix') return isAvailableLanguage(language) ? language : 'en';
  }
  return 'en';
}

/**
 * The language a browser asks for (its Accept-Language header), among those Carrel has catalogues for:
 * the first by preference (`es-MX;q=0.9` counts as es), else English.
 */
export function requestLanguage(acceptLanguage: string | string[] | undefined): string {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const asked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { language: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((a) => a.language && a.language !== '*' && a.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return asked.find((a) => isAvailableLanguage(a.language))?.language ?? 'en';
}
