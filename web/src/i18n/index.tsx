/**
 * The web app's languages (FormatJS / react-intl, ICU messages from locales/<language>/*.json).
 *
 * Which language a page is in: the saved choice of whoever is logged in (a patron's is also the language
 * of their notices), else the choice made with the switch on this browser, else the browser's own
 * languages, else the library's default; always one the library offers and Carrel has a catalogue for.
 *
 * Words: `const t = useT()` in a component (it re-renders when the language changes), or the module's
 * `t` in helpers that a component calls while rendering. Keys are written out whole (`t('desk.title')`),
 * never assembled, so the build can check every key is in the catalogues and every message is used.
 * Dates, times and money go through `day`, `moment`, `time` and `money` (./format), in the page's
 * language: one format per kind of date.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createIntl, createIntlCache, RawIntlProvider, type IntlShape } from 'react-intl';
import { AVAILABLE_LANGUAGES, CATALOGUES, type MessageId } from './catalogues';
import { setFormatLocale } from './format';

export type { MessageId } from './catalogues';
export { AVAILABLE_LANGUAGES } from './catalogues';

/** The values a message may take: text and numbers, dates for `{at, date, …}`. */
export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

const STORED_CHOICE = 'carrel.language';
const cache = createIntlCache();

/** The locale `Intl` formats in for a language (its catalogue's `common.meta.locale`, e.g. es-US). */
export function intlLocaleOf(language: string): string {
  return CATALOGUES[language]?.['common.meta.locale'] ?? language;
}

function intlFor(language: string): IntlShape {
  return createIntl(
    {
      locale: intlLocaleOf(language),
      defaultLocale: 'en-US',
      messages: CATALOGUES[language] ?? CATALOGUES.en ?? {},
      // A message the catalogue lacks cannot get past the build; if one did, show its key, not a crash.
      onError: (e) => console.warn(e.message),
    },
    cache,
  );
}

let current: IntlShape = intlFor('en');
let currentLanguage = 'en';

/** A message in the page's language. */
export function t(id: MessageId, values?: MessageValues): string {
  return current.formatMessage({ id }, values as Record<string, string | number | boolean | Date | null | undefined>) as string;
}

/**
 * A table of words by code, each read in the page's language when it is read (for the tables of labels
 * that code indexes, `PURPOSE_LABELS[purpose]`): the table holds message ids, never words frozen in one
 * language at start-up.
 */
export function wordsOf<K extends string>(ids: Readonly<Record<K, MessageId>>): Readonly<Record<K, string>> {
  const words = {} as Record<K, string>;
  for (const [code, id] of Object.entries(ids) as [K, MessageId][]) Object.defineProperty(words, code, { enumerable: true, get: () => t(id) });
  return words;
}

/**
 * The words for a code from a table of message ids, in the page's language when called; a code the table
 * does not have (a newer server's) as `unknown` says, by default as it is. Only the table's own entries
 * count: a code such as `constructor` is not looked up on the object's prototype.
 */
export function wordFor(table: Readonly<Partial<Record<string, MessageId>>>, code: string, unknown: (code: string) => string = (c) => c): string {
  const id = Object.hasOwn(table, code) ? table[code] : undefined;
  return id ? t(id) : unknown(code);
}

/** A message with tags in it (`<b>…</b>`, `<link>…</link>`), each given as a function of its text. */
export function tRich(id: MessageId, values: Record<string, ReactNode | Date | ((chunks: ReactNode[]) => ReactNode)>): ReactNode {
  return current.formatMessage({ id }, values as never) as ReactNode;
}

/** Carrel's words for an error code in the page's language (`errors.<CODE>`), if it has them. */
export function errorWords(code: string): string | undefined {
  const id = `errors.${code}`;
  return id in current.messages ? current.formatMessage({ id: id as MessageId }) : undefined;
}

/** A language's name in that language ("English", "Español"), from its catalogue. */
export function languageName(language: string): string {
  return CATALOGUES[language]?.['common.meta.name'] ?? language;
}

/** The page's language code (en, es, …). */
export function pageLanguage(): string {
  return currentLanguage;
}

interface LanguageState {
  language: string;
  /** The languages the switch offers: the library's, among those Carrel has catalogues for. */
  offered: readonly string[];
  /** Switches the page's language, remembers it on this browser and keeps it as the logged-in person's choice. */
  choose(language: string): void;
}

const LanguageContext = createContext<LanguageState>({ language: 'en', offered: ['en'], choose: () => undefined });

/** What the provider needs to know about the session: the saved choice and the library's languages. */
export interface LanguageSource {
  saved?: string | null | undefined;
  library?: { default: string; offered: readonly string[] } | null | undefined;
  /** Who is logged in: a choice made on the page is theirs, and goes when someone else logs in. */
  actorId?: string | undefined;
  /** Keeps a choice for whoever is logged in (nothing to do when nobody is). */
  save?: ((language: string) => Promise<void>) | undefined;
}

function storedChoice(): string | null {
  try {
    return localStorage.getItem(STORED_CHOICE);
  } catch {
    return null;
  }
}

/** The browser's first language Carrel offers (es-MX → es). */
function browserChoice(offered: readonly string[]): string | undefined {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (offered.includes(base)) return base;
  }
  return undefined;
}

/** The language for the page, by the order the module's comment gives. */
export function resolveLanguage(source: LanguageSource, stored: string | null, chosen?: string): { language: string; offered: string[] } {
  const offered = AVAILABLE_LANGUAGES.filter((l) => !source.library || source.library.offered.includes(l));
  const usable = offered.length > 0 ? offered : ['en'];
  const pick = (l: string | null | undefined) => (l && usable.includes(l) ? l : undefined);
  const language = pick(chosen) ?? pick(source.saved) ?? pick(stored) ?? browserChoice(usable) ?? pick(source.library?.default) ?? usable[0] ?? 'en';
  return { language, offered: usable };
}

export function I18nProvider({ source, children }: { source: LanguageSource; children: ReactNode }) {
  const [stored, setStored] = useState<string | null>(() => storedChoice());
  const [chosen, setChosen] = useState<{ language: string; by: string | undefined } | undefined>(undefined);
  const { language, offered } = resolveLanguage(source, stored, chosen?.by === source.actorId ? chosen?.language : undefined);
  const intl = useMemo(() => intlFor(language), [language]);
  // The module's `t` and the formatters follow the page's language before its children render.
  current = intl;
  currentLanguage = language;
  setFormatLocale(intl.locale);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const { save, actorId } = source;
  const choose = useCallback(
    (next: string) => {
      try {
        localStorage.setItem(STORED_CHOICE, next);
      } catch {
        // A browser that keeps nothing still switches for this page.
      }
      setStored(next);
      setChosen({ language: next, by: actorId });
      if (save) void save(next).catch(() => undefined);
    },
    [save, actorId],
  );
  const state = useMemo(() => ({ language, offered, choose }), [language, offered, choose]);
  return (
    <RawIntlProvider value={intl}>
      <LanguageContext.Provider value={state}>{children}</LanguageContext.Provider>
    </RawIntlProvider>
  );
}

/** The page's language, the languages offered and the switch. */
export function useLanguage(): LanguageState {
  return useContext(LanguageContext);
}

/** `t` for a component: the component re-renders in the new language when it changes. */
export function useT(): typeof t {
  useContext(LanguageContext);
  return t;
}
