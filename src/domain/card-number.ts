/**
 * Library card numbers: 14 digits, the Codabar length most North American libraries print, with a
 * Luhn check digit so a mistyped number is caught at the desk before any look-up.
 */

/** The Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether a card number has the right shape and check digit. */
export function isValidCardNumber(card: string): boolean {
  if (!/^\d{14}$/.test(card)) return false;
  return luhnCheckDigit(card.slice(0, 13)) === Number(card[13]);
}

/**
 * Builds a card number from 12 random digits: leading 2 (patron cards, by the Codabar convention),
 * the random body, the check digit. The caller supplies randomness so this stays pure.
 */
export function cardNumberFrom(randomDigits: string): string {
  if (!/^\d{12}$/.test(randomDigits)) throw new RangeError('cardNumberFrom needs 12 digits');
  const body = `2${randomDigits}`;
  return `${body}${luhnCheckDigit(body)}`;
}
