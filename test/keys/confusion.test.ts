/**
 * HS/RS key confusion (SEC-09; CVE-2015-9235 and its many successors): with the server on
 * RS256, ES256 or EdDSA, an HS256/384/512 token MACed with the server's real public key, in
 * every textual or binary form an attacker can get it in, is refused. Nothing on the signature
 * path can turn a public key into an HMAC secret: the key is bound to its algorithm, and the
 * header's `alg` must equal it.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.js';
import { TokenError } from '../../src/errors.js';
import { Keyring } from '../../src/keys/keyring.js';
import { keysFromSettings } from '../../src/keys/keys-from-settings.js';
import type { SignatureAlgorithm } from '../../src/tokens/algorithms.js';
import { verifyJws } from '../../src/tokens/jws.js';
import { TokenCodec } from '../../src/tokens/token-codec.js';

const pairs = {
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: generateKeyPairSync('ed25519'),
} satisfies Partial<Record<SignatureAlgorithm, { privateKey: KeyObject; publicKey: KeyObject }>>;

/** An SSH wire-format string: uint32 length, then the bytes. */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the high bit is set. */
function sshMpint(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, 'base64url');
  return sshString((bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** The `authorized_keys` line of a public key (`ssh-rsa AAAA...`, `ssh-ed25519 ...`, `ecdsa-sha2-nistp256 ...`). */
function openSsh(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  let type: string;
  let blob: Buffer;
  if (jwk.kty === 'RSA') {
    type = 'ssh-rsa';
    blob = Buffer.concat([sshString(Buffer.from(type)), sshMpint(jwk.e ?? ''), sshMpint(jwk.n ?? '')]);
  } else if (jwk.kty === 'OKP') {
    type = 'ssh-ed25519';
    blob = Buffer.concat([sshString(Buffer.from(type)), sshString(Buffer.from(jwk.x ?? '', 'base64url'))]);
  } else {
    type = 'ecdsa-sha2-nistp256';
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
    blob = Buffer.concat([sshString(Buffer.from(type)), sshString(Buffer.from('nistp256')), sshString(point)]);
  }
  return `${type} ${blob.toString('base64')} server@tessera`;
}

/** A self-signed X.509 certificate for the key, by the openssl command line. */
function certificatePem(privateKey: KeyObject): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cert-'));
  writeFileSync(join(dir, 'key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
  execFileSync(
    'openssl',
    ['req', '-new', '-x509', '-key', join(dir, 'key.pem'), '-subj', '/CN=tessera-test', '-days', '1', '-out', join(dir, 'cert.pem')],
    { stdio: 'ignore' },
  );
  return execFileSync('openssl', ['x509', '-in', join(dir, 'cert.pem')]).toString();
}

/** Every form of the public key an attacker might MAC with. */
function publicKeyForms(algorithm: keyof typeof pairs, published: object): [string, Buffer][] {
  const { privateKey, publicKey } = pairs[algorithm];
  const spkiPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const texts: [string, string][] = [
    ['SPKI PEM', spkiPem],
    ['SPKI PEM without its final newline', spkiPem.trimEnd()],
    ['OpenSSH', openSsh(publicKey)],
    ['JWK JSON (node export)', JSON.stringify(publicKey.export({ format: 'jwk' }))],
    ['JWK JSON (as the JWKS publishes it)', JSON.stringify(published)],
    ['JWKS JSON', JSON.stringify({ keys: [published] })],
    ['X.509 certificate PEM', certificatePem(privateKey)],
    ['DER as base64', der.toString('base64')],
    ['DER as base64url', der.toString('base64url')],
  ];
  if (algorithm === 'RS256') texts.push(['PKCS#1 PEM', publicKey.export({ format: 'pem', type: 'pkcs1' }).toString()]);
  const prefixes = ['', '\n', ' ', '\t', '\uFEFF', '\u200B', '#'];
  const forms: [string, Buffer][] = [['raw DER', der]];
  for (const [name, text] of texts) {
    for (const prefix of prefixes)
      forms.push([`${name}${prefix === '' ? '' : ` prefixed ${JSON.stringify(prefix)}`}`, Buffer.from(prefix + text, 'utf8')]);
  }
  return forms;
}

function forge(header: object, claims: object, secret: Buffer, hash: string): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

describe.each(Object.keys(pairs) as (keyof typeof pairs)[])('a server on %s', (algorithm) => {
  const settings = loadSettings({
    env: { TESSERA_SECRET_KEY: 'unused-for-asymmetric-0123456789abcdef0123' },
    configFile: false,
    overrides: { ALGORITHM: algorithm, SIGNING_KEY: pairs[algorithm].privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() },
  }).settings;
  const { primary } = keysFromSettings(settings);
  const keyring = new Keyring({ signingKey: primary, defaultKey: primary });
  const codec = new TokenCodec({ settings, keys: keyring });
  const now = Math.floor(Date.now() / 1000);
  const claims = { token_type: 'access', exp: now + 600, iat: now, jti: 'f'.repeat(32), user_id: 1 };
  const forms = publicKeyForms(algorithm, primary?.publicJwk() ?? {});

  it('verifies its own tokens (the control)', () => {
    expect(codec.verifySignature(codec.encode(claims))).toMatchObject({ user_id: 1 });
  });

  it.each(forms)('refuses HS256/384/512 tokens MACed with the public key as %s', (_name, secret) => {
    for (const [alg, hash] of [
      ['HS256', 'sha256'],
      ['HS384', 'sha384'],
      ['HS512', 'sha512'],
    ] as const) {
      for (const header of [
        { alg, typ: 'JWT' },
        { alg, kid: primary?.kid, typ: 'JWT' },
      ]) {
        const token = forge(header, claims, secret, hash);
        expect(verifyJws(token, keyring)).toEqual({ ok: false, failure: 'alg_mismatch' });
        expect(() => codec.verifySignature(token)).toThrow(TokenError);
      }
    }
  });

  it('refuses an HMAC value under its own alg name (the key cannot be a MAC key)', () => {
    const [name, secret] = forms[1] ?? ['', Buffer.alloc(0)];
    expect(name).toBe('SPKI PEM');
    const token = forge({ alg: algorithm, typ: 'JWT' }, claims, secret, 'sha256');
    expect(verifyJws(token, keyring)).toEqual({ ok: false, failure: 'bad_signature' });
  });
});
