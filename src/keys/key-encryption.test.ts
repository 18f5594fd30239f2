import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { KeyEncryptionKey } from './key-encryption.js';

const kek = KeyEncryptionKey.parse(randomBytes(32).toString('base64'));
const secret = Buffer.from('a PKCS#8 private key, in DER');

describe('KeyEncryptionKey', () => {
  it('seals and opens, with a fresh IV each time', () => {
    const sealed = kek.seal(secret, 'kid:ES256');
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(kek.seal(secret, 'kid:ES256')).not.toBe(sealed);
    expect(kek.open(sealed, 'kid:ES256')).toEqual(secret);
  });

  it('refuses another KEK, another row, and any altered byte', () => {
    const sealed = kek.seal(secret, 'kid:ES256');
    const other = KeyEncryptionKey.parse(randomBytes(32).toString('hex'));
    expect(() => other.open(sealed, 'kid:ES256')).toThrow(/not the key it was sealed with/);
    expect(() => kek.open(sealed, 'other-kid:ES256')).toThrow(/not the key it was sealed with/);
    const [version, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string];
    const altered = Buffer.from(ciphertext, 'base64url');
    altered[0] = (altered[0] ?? 0) ^ 1;
    expect(() => kek.open([version, iv, altered.toString('base64url'), tag].join('.'), 'kid:ES256')).toThrow();
    expect(() => kek.open([version, iv, ciphertext, tag.slice(0, 8)].join('.'), 'kid:ES256')).toThrow(/malformed/);
    expect(() => kek.open('v2.a.b.c', 'kid:ES256')).toThrow(/malformed/);
  });

  it('reads 32 bytes as hex, base64 or base64url, and refuses anything else without echoing it', () => {
    const bytes = randomBytes(32);
    for (const text of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url'), ` ${bytes.toString('base64')}\n`]) {
      expect(KeyEncryptionKey.parse(text).open(KeyEncryptionKey.parse(bytes.toString('hex')).seal(secret, 'c'), 'c')).toEqual(secret);
    }
    for (const text of [
      'short',
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
      'correct horse battery staple, but longer than 44',
    ]) {
      let error: unknown;
      try {
        KeyEncryptionKey.parse(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).setting).toBe('TESSERA_KEY_ENCRYPTION_KEY');
      expect((error as Error).message).not.toContain(text);
    }
  });

  it('never shows its bytes in JSON or inspection', () => {
    const hex = randomBytes(32).toString('hex');
    const key = KeyEncryptionKey.parse(hex);
    expect(JSON.stringify({ key })).not.toContain(hex);
    expect(inspect(key, { showHidden: true })).not.toContain(hex);
    expect(inspect(key, { showHidden: true })).not.toContain(Buffer.from(hex, 'hex').toString('base64'));
  });
});
