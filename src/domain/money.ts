import type { Cents } from './types.js';

const AMOUNT = /^(\d{1,7})(?:\.(\d{1,2}))?$/;

/** Parses "2", "2.5" or "2.50" (currency units) into cents; undefined for anything else. */
export function parseAmount(text: string): Cents | undefined {
  const match = AMOUNT.exec(text.trim());
  if (!match) return undefined;
  const units = Number(match[1]);
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return units * 100 + Number(fraction);
}

/** Formats cents as a plain decimal ("12.50"), the form the CLI accepts back. */
export function formatAmount(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
