/**
 * Forging compact JWS by hand for the attack tests.
 *
 * Everything here is built with node:crypto on exact bytes the test chooses (header text,
 * payload text, signing input), never with Tessera's own token code: a bug in Tessera's encoder
 * cannot make Tessera's verifier agree with a forgery made by the same bug.
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

const HMAC_HASH: Readonly<Record<HmacAlgorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** base64url without padding of UTF-8 text or raw bytes. */
export function b64u(data: string | Buffer): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}

/** The HMAC of `signingInput` (taken as its exact bytes) under `secret`. */
export function hmac(algorithm: HmacAlgorithm, secret: string | Buffer, signingInput: string | Buffer): Buffer {
  return createHmac(HMAC_HASH[algorithm], secret).update(signingInput).digest();
}

/** What a forged token is made of: raw texts, so malformed JSON and duplicate keys are possible. */
export interface ForgeInput {
  /** The header's JSON text (or an object, serialised with JSON.stringify). */
  readonly header: string | Record<string, unknown>;
  /** The payload's text (or an object, serialised with JSON.stringify). */
  readonly payload: string | Buffer | Record<string, unknown>;
}

function text(part: string | Buffer | Record<string, unknown>): string | Buffer {
  return typeof part === 'string' || Buffer.isBuffer(part) ? part : JSON.stringify(part);
}

/** `base64url(header).base64url(payload)`. */
export function signingInputOf(input: ForgeInput): string {
  return `${b64u(text(input.header))}.${b64u(text(input.payload))}`;
}

/** A token MACed with `secret` (HMAC-`algorithm`), whatever its header claims. */
export function forgeHmac(input: ForgeInput, secret: string | Buffer, algorithm: HmacAlgorithm = 'HS256'): string {
  const signingInput = signingInputOf(input);
  return `${signingInput}.${b64u(hmac(algorithm, secret, signingInput))}`;
}

/** A token with the given signature segment text (empty for "unsigned"). */
export function forgeWithSignature(input: ForgeInput, signatureSegment: string): string {
  return `${signingInputOf(input)}.${signatureSegment}`;
}

/** A token signed with an asymmetric private key (RS256 / ES256), as an outside attacker would. */
export function forgeAsymmetric(input: ForgeInput, algorithm: 'RS256' | 'ES256', privateKey: KeyObject): string {
  const signingInput = signingInputOf(input);
  const signature =
    algorithm === 'RS256'
      ? sign('sha256', Buffer.from(signingInput), privateKey)
      : sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${b64u(signature)}`;
}

/** An attacker's own key pairs, made fresh per run. */
export function attackerKeys(): {
  rsa: { privateKey: KeyObject; publicKey: KeyObject };
  ec: { privateKey: KeyObject; publicKey: KeyObject };
} {
  return { rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }), ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
}

/** SSH wire encoding of an mpint / string, for the `ssh-rsa AAAA...` public key form. */
function sshField(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function mpint(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, 'base64url');
  // A leading 1 bit would read as negative: SSH prefixes a zero byte then.
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

/**
 * Every textual and binary form a verifier might be handed an RSA public key in: the secrets an
 * HS/RS key-confusion attacker MACs with (CVE-2015-9235, CVE-2016-10555, CVE-2017-11424,
 * CVE-2022-29217). Keyed by a readable name.
 */
export function publicKeyForms(publicJwk: { kty: 'RSA'; n: string; e: string }): Record<string, Buffer> {
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const spkiPem = key.export({ type: 'spki', format: 'pem' }).toString();
  const pkcs1Pem = key.export({ type: 'pkcs1', format: 'pem' }).toString();
  const ssh = `ssh-rsa ${Buffer.concat([sshField(Buffer.from('ssh-rsa')), sshField(mpint(publicJwk.e)), sshField(mpint(publicJwk.n))]).toString('base64')}`;
  return {
    'SPKI PEM': Buffer.from(spkiPem),
    'SPKI PEM without the final newline': Buffer.from(spkiPem.trimEnd()),
    'PKCS#1 PEM (BEGIN RSA PUBLIC KEY)': Buffer.from(pkcs1Pem),
    'SPKI DER': key.export({ type: 'spki', format: 'der' }),
    'PKCS#1 DER': key.export({ type: 'pkcs1', format: 'der' }),
    'JWK JSON text': Buffer.from(JSON.stringify(publicJwk)),
    'OpenSSH ssh-rsa line': Buffer.from(ssh),
    'modulus bytes (n)': Buffer.from(publicJwk.n, 'base64url'),
  };
}

/** The prefixes that defeated successive "does this look like a public key?" regexes (fast-jwt). */
export const KEY_PREFIXES: Readonly<Record<string, string>> = {
  'a newline': '\n',
  'a space': ' ',
  'a tab': '\t',
  'U+FEFF': '\ufeff',
  'U+200B': '\u200b',
  '"#"': '#',
};
