/**
 * Private signing keys at rest: AES-256-GCM under the key-encryption key (KEK) from
 * `TESSERA_KEY_ENCRYPTION_KEY`. A database dump alone then yields no key that can sign.
 *
 * Envelope: `v1.<iv>.<ciphertext>.<tag>` (base64url), a fresh 96-bit IV per key. The additional
 * authenticated data binds the envelope to its row (kid and algorithm), so a ciphertext copied
 * onto another row does not decrypt. The KEK is never logged, never stored, and never part of
 * an error message.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.js';

/** The environment variable holding the KEK. */
export const KEY_ENCRYPTION_KEY_VARIABLE = 'TESSERA_KEY_ENCRYPTION_KEY';

const VERSION = 'v1';

/** A 256-bit key-encryption key, opaque: its bytes never leave this module. */
export class KeyEncryptionKey {
  readonly #bytes: Buffer;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /**
   * Reads the KEK: 32 bytes as 64 hex digits or as base64/base64url (`openssl rand -base64 32`).
   *
   * @throws {ConfigError} (setting `TESSERA_KEY_ENCRYPTION_KEY`) for anything else; the value is not echoed.
   */
  static parse(text: string): KeyEncryptionKey {
    const value = text.trim();
    const bytes = /^[0-9a-f]{64}$/i.test(value)
      ? Buffer.from(value, 'hex')
      : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
        ? Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url')
        : undefined;
    if (bytes === undefined || bytes.length !== 32) {
      throw new ConfigError(
        KEY_ENCRYPTION_KEY_VARIABLE,
        'must be 32 random bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)',
      );
    }
    return new KeyEncryptionKey(bytes);
  }

  /** The KEK from the environment, or `undefined` when it is not set. */
  static fromEnv(env: Readonly<Record<string, string | undefined>>): KeyEncryptionKey | undefined {
    const text = env[KEY_ENCRYPTION_KEY_VARIABLE];
    return text === undefined || text.trim() === '' ? undefined : KeyEncryptionKey.parse(text);
  }

  /** Seals `plaintext` for the row `context` names. */
  seal(plaintext: Buffer, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#bytes, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(`tessera-signing-key:${VERSION}:${context}`, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /**
   * Opens an envelope `seal` made for `context`.
   *
   * @throws {Error} when the envelope is malformed, was sealed under another KEK, or belongs to another row.
   */
  open(envelope: string, context: string): Buffer {
    const [version, iv, ciphertext, tag, extra] = envelope.split('.');
    if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined || extra !== undefined) {
      throw new Error('the sealed private key is malformed');
    }
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== 16) throw new Error('the sealed private key is malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#bytes, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(`tessera-signing-key:${VERSION}:${context}`, 'utf8'));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    } catch {
      throw new Error(
        `the private key cannot be decrypted: ${KEY_ENCRYPTION_KEY_VARIABLE} is not the key it was sealed with, or the row was altered`,
      );
    }
  }

  /** Keeps the KEK out of logs and `JSON.stringify`. */
  toJSON(): string {
    return '[KeyEncryptionKey]';
  }
}
