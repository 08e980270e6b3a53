import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { LegacyPinScheme } from '../domain/pin-schemes.js';
import { hashSecret, verifySecret } from './secrets.js';

/**
 * Verifies a PIN against a hash another library system made (issue 21): Koha's bcrypt and its older
 * MD5 in base64, Evergreen's bcrypt over MD5(salt || MD5(password)) and its older unsalted MD5. bcrypt is
 * bcryptjs's (the maintained pure-JavaScript implementation, nothing to compile). An unsalted MD5 of a
 * few digits is as good as the PIN itself, so the import never stores one: it keeps an argon2id hash of
 * the MD5 (`wrapLegacyPin`), and the check hashes the PIN typed with MD5 and verifies that with argon2id.
 * Only ever used to accept a first log-in, which then replaces the hash with argon2id of the PIN.
 */
export async function verifyLegacyPin(scheme: LegacyPinScheme, stored: string, pin: string): Promise<boolean> {
  if (pin.length === 0 || stored.length === 0) return false;
  try {
    switch (scheme) {
      case 'bcrypt':
        return await bcrypt.compare(pin, stored);
      case 'md5-base64':
        return await verifySecret(stored, md5Base64(pin));
      case 'md5':
        return await verifySecret(stored, md5Hex(pin));
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

/**
 * The form an imported hash is kept in: bcrypt and Evergreen's bcrypt as they are (salted and slow), an
 * unsalted MD5 wrapped in argon2id (hashed once more, never kept bare).
 */
export async function wrapLegacyPin(scheme: LegacyPinScheme, imported: string): Promise<string> {
  if (scheme === 'md5') return hashSecret(imported.toLowerCase());
  if (scheme === 'md5-base64') return hashSecret(imported);
  return imported;
}

/** A hash of a throw-away PIN in bcrypt (Koha's cost), to spend a bcrypt check's time where none is due. */
let bcryptDecoy: string | undefined;
export async function verifyBcryptDecoy(pin: string): Promise<false> {
  bcryptDecoy ??= await bcrypt.hash(randomBytes(12).toString('hex'), 8);
  await bcrypt.compare(pin || 'x', bcryptDecoy);
  return false;
}

function md5Base64(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('base64').replace(/=+$/, '');
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
