import type { FastifyInstance } from 'fastify';
import type { Translator } from '../domain/translator.js';
import { requestLanguage, translator } from '../i18n/messages.js';

/** A posted HTML form: each field's values (a checkbox group gives several). */
export type FormBody = Record<string, string[]>;

/** The largest form these pages accept (a card number, a PIN, a few ticks, a destination address). */
const FORM_LIMIT = 8 * 1024;

/**
 * Lets the routes of a plugin take HTML forms (`application/x-www-form-urlencoded`), parsed with the
 * platform's URLSearchParams into `FormBody`. Only the sign-in pages post forms; the API takes JSON.
 */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_request, body, done) => {
    const form: FormBody = {};
    for (const [key, value] of new URLSearchParams(body as string)) (form[key] ??= []).push(value);
    done(null, form);
  });
}

/** The first value of a form field, or '' when it is missing. */
export function field(form: unknown, name: string): string {
  const values = (form as FormBody | undefined)?.[name];
  return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : '';
}

/** Every value of a form field (a checkbox group). */
export function fields(form: unknown, name: string): string[] {
  const values = (form as FormBody | undefined)?.[name];
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/** The words of a sign-in page, in the language the browser asks for (Accept-Language), else English. */
export function pageWords(request: { headers: Record<string, string | string[] | undefined> }): Translator {
  return translator(requestLanguage(request.headers['accept-language']));
}
