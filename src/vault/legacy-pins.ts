import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { LegacyPinScheme } from '../domain/pin-schemes.js';

/**
 * Verifies a PIN against a hash another library system made (issue 21): Koha's bcrypt and its older
 * MD5 in base64, Evergreen's bcrypt over MD5(salt || MD5(password)) and its older unsalted MD5. bcrypt is
 * bcryptjs's (the maintained pure-JavaScript implementation, nothing to compile); MD5 is node:crypto's,
 * compared in constant time. Only ever used to accept a first log-in, which then replaces the hash with
 * argon2id; Carrel never makes a hash in these schemes.
 */
export async function verifyLegacyPin(scheme: LegacyPinScheme, stored: string, pin: string): Promise<boolean> {
  if (pin.length === 0 || stored.length === 0) return false;
  try {
    switch (scheme) {
      case 'bcrypt':
        return await bcrypt.compare(pin, stored);
      case 'md5-base64':
        return sameText(createHash('md5').update(pin, 'utf8').digest('base64').replace(/=+$/, ''), stored);
      case 'md5':
        return sameText(md5Hex(pin), stored.toLowerCase());
      case 'evergreen': {
        const bar = stored.indexOf('|');
        if (bar < 0) return false;
        const salt = stored.slice(0, bar);
        return await bcrypt.compare(md5Hex(salt + md5Hex(pin)), stored.slice(bar + 1));
      }
    }
  } catch {
    return false;
  }
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
