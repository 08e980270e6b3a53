import { createIntl } from '@formatjs/intl';
import { describe, expect, it } from 'vitest';
import { availableLanguages, messagesOf, PLAIN, translator } from './messages.js';

describe('the translator', () => {
  it('answers a plain message as it stands, exactly as the formatter would, in every language', () => {
    let plain = 0;
    for (const language of availableLanguages()) {
      const messages = messagesOf(language);
      const intl = createIntl({ locale: messages['common.meta.locale'] ?? language, messages, onError: () => undefined });
      const tr = translator(language);
      for (const [id, message] of Object.entries(messages)) {
        if (!PLAIN.test(message)) continue;
        plain++;
        expect(tr.t(id), id).toBe(intl.formatMessage({ id }));
        expect(tr.t(id), id).toBe(message);
      }
    }
    // Most of them are (the help of the commands, labels), which is why the check is worth having.
    expect(plain).toBeGreaterThan(500);
  });

  it('still formats what is not plain: arguments, plurals, an escaped brace, a doubled apostrophe', () => {
    expect(PLAIN.test("the library's records")).toBe(true);
    expect(PLAIN.test('it is {count}')).toBe(false);
    expect(PLAIN.test("a '{'literal'}'")).toBe(false);
    expect(PLAIN.test("two '' apostrophes")).toBe(false);
    expect(PLAIN.test('<b>bold</b>')).toBe(false);
    expect(PLAIN.test('')).toBe(false);
    const tr = translator('en');
    expect(tr.t('cli.import.checked', { count: 3, kind: 'patrons' })).toBe('Checked 3 rows of patrons.');
  });
});
