/**
 * How a patron's PIN hash was made. Carrel makes argon2id hashes only; an import from another system
 * brings that system's hashes as they are (a PIN is never known in the clear, so it cannot be rehashed),
 * each flagged with its scheme, verified once at the patron's first log-in and replaced by argon2id then
 * (issue 21). 'none': no PIN (the old system had none, or an old hash outlived the library's
 * `legacyPinDays`): the patron sets one at the desk.
 */
export const PIN_SCHEMES = ['argon2id', 'bcrypt', 'md5-base64', 'md5', 'evergreen', 'none'] as const;
export type PinScheme = (typeof PIN_SCHEMES)[number];

/** The schemes an import may bring, which a first log-in replaces (every scheme but Carrel's own and none). */
export const LEGACY_PIN_SCHEMES = ['bcrypt', 'md5-base64', 'md5', 'evergreen'] as const satisfies readonly PinScheme[];
export type LegacyPinScheme = (typeof LEGACY_PIN_SCHEMES)[number];

export function isLegacyScheme(scheme: string): scheme is LegacyPinScheme {
  return (LEGACY_PIN_SCHEMES as readonly string[]).includes(scheme);
}

const BCRYPT = /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/;
const BCRYPT_SALT = /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{22}$/;
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;

/** An imported hash, flagged with its scheme, as `patrons.pin_hash` keeps it. */
export interface ImportedPin {
  scheme: PinScheme;
  /** The stored form: the hash; for Evergreen's, the salt and the hash joined by '|'. Empty for none. */
  stored: string;
}

/**
 * The scheme of a Koha `borrowers.password`: bcrypt (`$2a$08$…`, Koha 3.14 and later); the MD5 in base64
 * of older Koha (22 characters); nothing, or Koha's '!' for an account that cannot log in: no PIN.
 * Anything else is not a hash Carrel knows: undefined (the row is imported without a PIN, and reported).
 */
export function kohaPin(password: string): ImportedPin | undefined {
  const value = password.trim();
  if (value === '' || value === '!' || value === '*') return { scheme: 'none', stored: '' };
  if (BCRYPT.test(value)) return { scheme: 'bcrypt', stored: value };
  if (MD5_BASE64.test(value)) return { scheme: 'md5-base64', stored: value };
  return undefined;
}

/**
 * The scheme of an Evergreen password: `actor.passwd` (Evergreen 3.0 and later) keeps a bcrypt hash of
 * MD5(salt || MD5(password)) and its salt; `actor.usr.passwd` of older versions an unsalted MD5 in hex.
 */
export function evergreenPin(passwd: string, salt: string): ImportedPin | undefined {
  const hash = passwd.trim();
  const saltValue = salt.trim();
  if (hash === '') return { scheme: 'none', stored: '' };
  if (BCRYPT.test(hash)) {
    const usedSalt = saltValue === '' ? hash.slice(0, 29) : saltValue;
    if (!BCRYPT_SALT.test(usedSalt)) return undefined;
    return { scheme: 'evergreen', stored: `${usedSalt}|${hash}` };
  }
  if (saltValue === '' && MD5_HEX.test(hash)) return { scheme: 'md5', stored: hash.toLowerCase() };
  return undefined;
}

/** A hash given with its scheme named (a generic CSV's `pinScheme` column). */
export function namedPin(scheme: string, hash: string, salt = ''): ImportedPin | undefined {
  switch (scheme.trim().toLowerCase()) {
    case 'bcrypt':
      return BCRYPT.test(hash.trim()) ? { scheme: 'bcrypt', stored: hash.trim() } : undefined;
    case 'md5-base64':
      return MD5_BASE64.test(hash.trim()) ? { scheme: 'md5-base64', stored: hash.trim() } : undefined;
    case 'md5':
      return MD5_HEX.test(hash.trim()) ? { scheme: 'md5', stored: hash.trim().toLowerCase() } : undefined;
    case 'evergreen':
      return evergreenPin(hash, salt);
    default:
      return undefined;
  }
}
