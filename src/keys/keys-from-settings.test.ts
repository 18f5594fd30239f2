import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../config/load-settings.js';
import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { verifyJws } from '../tokens/jws.js';
import { TokenCodec } from '../tokens/token-codec.js';
import { Keyring } from './keyring.js';
import { keysFromSettings } from './keys-from-settings.js';

const SECRET = 'a-secret-of-more-than-sixty-four-bytes-0123456789abcdef-0123456789abcdef';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed25519 = generateKeyPairSync('ed25519');
const pem = (key: import('node:crypto').KeyObject, type: 'pkcs8' | 'spki' | 'pkcs1' | 'sec1' = key.type === 'private' ? 'pkcs8' : 'spki') =>
  key.export({ format: 'pem', type } as never).toString();
const jwkText = (key: import('node:crypto').KeyObject, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...key.export({ format: 'jwk' }), ...extra });

function settingsWith(overrides: Partial<Settings>): Settings {
  return loadSettings({ env: { TESSERA_SECRET_KEY: SECRET }, configFile: false, overrides }).settings;
}

/** The setting a ConfigError names, and its message. */
function refusal(overrides: Partial<Settings>): { setting: string; message: string } {
  try {
    keysFromSettings(settingsWith(overrides));
  } catch (error) {
    if (error instanceof ConfigError) return { setting: error.setting, message: error.message };
    throw error;
  }
  return { setting: 'accepted', message: '' };
}

describe('keysFromSettings: keys that fit their algorithm', () => {
  it.each([
    ['RS256, PKCS#8 PEM', 'RS256', pem(rsa.privateKey)],
    ['PS512, PKCS#1 PEM', 'PS512', pem(rsa.privateKey, 'pkcs1')],
    ['ES256, SEC1 PEM', 'ES256', pem(p256.privateKey, 'sec1')],
    ['ES384, JWK', 'ES384', jwkText(p384.privateKey)],
    ['EdDSA, PKCS#8 PEM', 'EdDSA', pem(ed25519.privateKey)],
  ] as const)('%s signs, and its kid is the RFC 7638 thumbprint', (_name, algorithm, key) => {
    const { primary } = keysFromSettings(settingsWith({ ALGORITHM: algorithm, SIGNING_KEY: key }));
    expect(primary?.algorithm).toBe(algorithm);
    expect(primary?.canSign).toBe(true);
    expect(primary?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(primary?.verify('a.b', primary.sign('a.b'))).toBe(true);
  });

  it('uses SIGNING_KEY_ID, or the JWK kid, as the kid', () => {
    expect(
      keysFromSettings(settingsWith({ ALGORITHM: 'ES256', SIGNING_KEY: pem(p256.privateKey), SIGNING_KEY_ID: 'k-2026' })).primary?.kid,
    ).toBe('k-2026');
    expect(
      keysFromSettings(settingsWith({ ALGORITHM: 'ES256', SIGNING_KEY: jwkText(p256.privateKey, { kid: 'from-jwk' }) })).primary?.kid,
    ).toBe('from-jwk');
  });

  it('keeps HS keys kid-less by default: headers stay byte-identical to simplejwt', () => {
    const settings = settingsWith({});
    const { primary } = keysFromSettings(settings);
    expect(primary?.kid).toBeUndefined();
    const token = new TokenCodec({ settings, keys: new Keyring({ signingKey: primary, defaultKey: primary }) }).encode({ exp: 1 });
    expect(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}');
  });

  it('accepts a VERIFYING_KEY that is the pair of SIGNING_KEY, as PEM or JWK', () => {
    expect(refusal({ ALGORITHM: 'RS256', SIGNING_KEY: pem(rsa.privateKey), VERIFYING_KEY: pem(rsa.publicKey) }).setting).toBe('accepted');
    expect(refusal({ ALGORITHM: 'ES256', SIGNING_KEY: pem(p256.privateKey), VERIFYING_KEY: jwkText(p256.publicKey) }).setting).toBe(
      'accepted',
    );
  });

  it('a VERIFYING_KEY alone makes a verification-only key', () => {
    const { primary } = keysFromSettings(settingsWith({ ALGORITHM: 'EdDSA', VERIFYING_KEY: pem(ed25519.publicKey) }));
    expect(primary?.canSign).toBe(false);
  });
});

describe('keysFromSettings: start-up refusals name the setting (SEC-09, SEC-10)', () => {
  it.each([
    ['an HS secret for RS256', { ALGORITHM: 'RS256', SIGNING_KEY: SECRET }, 'SIGNING_KEY', /neither \(an HMAC secret\?\)/],
    ['a PEM private key for HS256', { SIGNING_KEY: pem(rsa.privateKey) }, 'SIGNING_KEY', /PEM key, not an HS256 secret/],
    ['a PEM public key for HS256', { SIGNING_KEY: pem(rsa.publicKey) }, 'SIGNING_KEY', /PEM key, not an HS256 secret/],
    ['an RSA JWK for HS512', { ALGORITHM: 'HS512', SIGNING_KEY: jwkText(rsa.privateKey) }, 'SIGNING_KEY', /needs an "oct" JWK/],
    [
      'a 1024-bit RSA key',
      { ALGORITHM: 'RS256', SIGNING_KEY: pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey) },
      'SIGNING_KEY',
      /1024 bits/,
    ],
    [
      'an RSA key for ES256',
      { ALGORITHM: 'ES256', SIGNING_KEY: pem(rsa.privateKey) },
      'SIGNING_KEY',
      /needs an EC key on P-256, not an RSA key/,
    ],
    [
      'a P-384 key for ES256',
      { ALGORITHM: 'ES256', SIGNING_KEY: pem(p384.privateKey) },
      'SIGNING_KEY',
      /needs the curve P-256, not secp384r1/,
    ],
    ['an EC key for EdDSA', { ALGORITHM: 'EdDSA', SIGNING_KEY: pem(p256.privateKey) }, 'SIGNING_KEY', /needs an Ed25519 key/],
    ['an Ed25519 key for PS256', { ALGORITHM: 'PS256', SIGNING_KEY: jwkText(ed25519.privateKey) }, 'SIGNING_KEY', /needs an RSA key/],
    ['a public key as SIGNING_KEY', { ALGORITHM: 'ES256', SIGNING_KEY: pem(p256.publicKey) }, 'SIGNING_KEY', /must be private/],
    ['a private key as VERIFYING_KEY', { ALGORITHM: 'ES256', VERIFYING_KEY: pem(p256.privateKey) }, 'VERIFYING_KEY', /must be public/],
    [
      'a VERIFYING_KEY of another pair',
      {
        ALGORITHM: 'ES256',
        SIGNING_KEY: pem(p256.privateKey),
        VERIFYING_KEY: pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
      },
      'VERIFYING_KEY',
      /not the public key of SIGNING_KEY/,
    ],
    [
      'a JWK whose alg is another',
      { ALGORITHM: 'ES256', SIGNING_KEY: jwkText(p256.privateKey, { alg: 'ES384' }) },
      'SIGNING_KEY',
      /"alg" is "ES384", not ES256/,
    ],
  ] as const)('%s', (_name, overrides, setting, message) => {
    const error = refusal(overrides as Partial<Settings>);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });

  it('never echoes the key in the message', () => {
    expect(refusal({ ALGORITHM: 'RS256', SIGNING_KEY: SECRET }).message).not.toContain(SECRET);
  });

  it.each([
    [
      'duplicate kids',
      [
        { ...p256.publicKey.export({ format: 'jwk' }), kid: 'a' },
        { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'a' },
      ],
      /two keys have the kid "a"/,
    ],
    ['a private JWK', [{ ...p256.privateKey.export({ format: 'jwk' }), kid: 'a' }], /must be public/],
    [
      'an HMAC secret among public keys',
      [{ kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'h', alg: 'HS256' }],
      /cannot mix HMAC secrets and public keys/,
    ],
    ['a key for encryption', [{ ...p256.publicKey.export({ format: 'jwk' }), kid: 'e', use: 'enc' }], /"use" is "enc"/],
  ])('VERIFYING_KEYS with %s', (_name, keys, message) => {
    const error = refusal({ ALGORITHM: 'ES256', SIGNING_KEY: pem(p256.privateKey), VERIFYING_KEYS: keys as Settings['VERIFYING_KEYS'] });
    expect(error.setting).toBe('VERIFYING_KEYS');
    expect(error.message).toMatch(message);
  });

  it('VERIFYING_KEYS for HS*: oct keys with a kid and the full length', () => {
    const oct = (bytes: number, kid?: string) => ({
      kty: 'oct',
      k: Buffer.alloc(bytes, 1).toString('base64url'),
      ...(kid === undefined ? {} : { kid }),
    });
    expect(refusal({ VERIFYING_KEYS: [oct(32, 'old')] }).setting).toBe('accepted');
    expect(refusal({ VERIFYING_KEYS: [oct(31, 'old')] }).message).toMatch(/at least 32 bytes/);
    expect(refusal({ VERIFYING_KEYS: [oct(32)] }).message).toMatch(/needs a "kid"/);
  });
});

describe('key selection by kid', () => {
  const settings = settingsWith({ ALGORITHM: 'ES256', SIGNING_KEY: pem(p256.privateKey), SIGNING_KEY_ID: 'current' });
  const previous = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const old = new TokenCodec({
    settings: settingsWith({ ALGORITHM: 'ES256', SIGNING_KEY: pem(previous.privateKey), SIGNING_KEY_ID: 'previous' }),
    keys: keysFromSettings(settingsWith({ ALGORITHM: 'ES256', SIGNING_KEY: pem(previous.privateKey), SIGNING_KEY_ID: 'previous' }))
      .primary!,
  });
  const configured = keysFromSettings({
    ...settings,
    VERIFYING_KEYS: [{ ...previous.publicKey.export({ format: 'jwk' }), kid: 'previous' }],
  });
  const keyring = new Keyring({ signingKey: configured.primary, defaultKey: configured.primary, keys: configured.verifying });

  it("verifies a previous key's tokens by their kid, signs with the current one", () => {
    const token = old.encode({ exp: 4102444800 });
    expect(verifyJws(token, keyring)).toMatchObject({ ok: true, header: { kid: 'previous' } });
    const codec = new TokenCodec({ settings, keys: keyring });
    expect(verifyJws(codec.encode({ exp: 4102444800 }), keyring)).toMatchObject({
      ok: true,
      header: { alg: 'ES256', kid: 'current', typ: 'JWT' },
    });
  });

  it('refuses an unknown kid, and an empty or malformed one, before any signature check', () => {
    const [, payload, signature] = old.encode({ exp: 4102444800 }).split('.');
    const withHeader = (header: object) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
    expect(verifyJws(withHeader({ alg: 'ES256', kid: 'other' }), keyring)).toEqual({ ok: false, failure: 'unknown_kid', kid: 'other' });
    for (const kid of ['', "x' UNION SELECT '1';--", '|sleep 10', 'k'.repeat(129), 7]) {
      expect(verifyJws(withHeader({ alg: 'ES256', kid }), keyring)).toEqual({ ok: false, failure: 'kid_mismatch' });
    }
    // Slashes and dots are kid characters (provider kids are base64); it is still only a map key.
    expect(verifyJws(withHeader({ alg: 'ES256', kid: '../../../../dev/null' }), keyring)).toMatchObject({
      ok: false,
      failure: 'unknown_kid',
    });
  });

  it("verifies tokens without kid (simplejwt's) with SIGNING_KEY's key only", () => {
    const [, payload] = old.encode({ exp: 4102444800 }).split('.');
    const current = configured.primary!;
    const input = `${Buffer.from('{"alg":"ES256","typ":"JWT"}').toString('base64url')}.${payload}`;
    expect(verifyJws(`${input}.${current.sign(input).toString('base64url')}`, keyring).ok).toBe(true);
    const byPrevious = old.key.sign(input).toString('base64url');
    expect(verifyJws(`${input}.${byPrevious}`, keyring)).toEqual({ ok: false, failure: 'bad_signature' });
  });
});
