/**
 * One language's words and formats, as the reports, the published policy and the CLI take them. Pure
 * code receives a Translator; src/i18n makes them from the message catalogues (locales/). Message keys
 * are written out whole where they are used, so the build checks each against the catalogues.
 */
export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

export interface Translator {
  /** The catalogue's language (en, es, …). */
  readonly language: string;
  /** The `Intl` locale it formats in (the catalogue's `common.meta.locale`, e.g. es-US). */
  readonly locale: string;
  t(id: string, values?: MessageValues): string;
  /** The words for an error code, if the catalogue has them. */
  error(code: string): string | undefined;
  /** A calendar date: YYYY-MM-DD as that day, or an instant's date in `timeZone`. */
  day(value: string | Date, timeZone?: string): string;
  /** An instant with its time of day, in `timeZone`. */
  moment(value: string | Date, timeZone?: string): string;
  money(cents: number, currency?: string): string;
  count(n: number): string;
  /** Items joined as the language joins a list ("a, b and c" / "a, b y c"). */
  list(items: readonly string[]): string;
}
