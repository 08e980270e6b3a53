import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The vault's primitives, all from node:crypto: AES-256-GCM for sealing fields and wrapping keys,
 * HMAC-SHA256 for blind indexes. A sealed value is `v1.<iv>.<ciphertext+tag>` (base64url) and is bound
 * to its context (associated data), so a ciphertext copied to another patron or field does not open.
 */
const VERSION = 'v1';

export class VaultError extends Error {
  override name = 'VaultError';
}

export function randomKey(): Buffer {
  return randomBytes(32);
}

/** Encrypts `plaintext` under `key`, bound to `context`. */
export function seal(key: Buffer, context: string, plaintext: Buffer | string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** Decrypts a sealed value; throws VaultError if the key, the context or the bytes are wrong. */
export function open(key: Buffer, context: string, sealed: string): Buffer {
  const [version, ivText, bodyText] = sealed.split('.');
  if (version !== VERSION || !ivText || !bodyText) throw new VaultError('not a sealed value');
  const body = Buffer.from(bodyText, 'base64url');
  if (body.length < 16) throw new VaultError('sealed value too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
  } catch {
    throw new VaultError('sealed value does not open with this key and context');
  }
}

/** A key's public name: the first 16 hex digits of the SHA-256 of "carrel-kek" and the key. */
export function fingerprint(key: Buffer): string {
  return createHash('sha256').update('carrel-kek\u0000').update(key).digest('hex').slice(0, 16);
}

/** A blind index: HMAC-SHA256 of the kind and the normalised value, hex (equality look-ups only). */
export function blindIndex(indexKey: Buffer, kind: string, normalized: string): string {
  return createHmac('sha256', indexKey).update(`${kind}\u0000${normalized}`).digest('hex');
}
