import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../domain/errors.js';
import { HTTP_STATUS, HttpErrorCode } from './errors.js';

describe('error codes', () => {
  const doc = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8');

  it('documents every code with the HTTP status it is mapped to', () => {
    for (const code of Object.values(ErrorCode)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `${code} is missing from docs/ERRORS.md`).toBeDefined();
      expect(row).toContain(`| ${HTTP_STATUS[code]} |`);
    }
    for (const code of Object.values(HttpErrorCode)) expect(doc).toContain(`| \`${code}\` |`);
  });
});
