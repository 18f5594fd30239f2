/**
 * Throttle keys of a fixed size. The parts of a key are what a client sends (a username of up
 * to MAX_BODY_BYTES, an address from a trusted proxy's header), so keys are 128-bit hashes of
 * them, never the text: a 900 KB username costs the limiter the same 30 bytes as `kyoko`.
 * Account names are case-folded first, so `KYOKO` and `ｋｙｏｋｏ` spend `kyoko`'s budget.
 */
import { createHash, createHmac } from 'node:crypto';
import { foldedKey, MAX_USERNAME_LENGTH } from '../model/usernames.js';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/**
 * The account a login names, as a hash. Names longer than Django's 150 characters can match no
 * account, so they are hashed as sent (folding 1 MB of text would be work for nothing).
 */
export function accountHash(login: string): string {
  return digest(login.length > MAX_USERNAME_LENGTH ? `raw\u0000${login}` : foldedKey(login));
}

/** A client address, as a hash. */
export function addressHash(ip: string): string {
  return digest(ip);
}

/**
 * "This user has logged in from this address before", keyed so that a copy of Redis (or of a
 * memory dump) does not list users' addresses: an HMAC under a key derived from SECRET_KEY
 * (a plain hash of an IPv4 address is reversed by trying all 2^32).
 */
export function knownAddressKey(secret: string, login: string, ip: string): string {
  const key = createHash('sha256').update(`tessera known-address key\u0000${secret}`).digest();
  const mac = createHmac('sha256', key)
    .update(`${accountHash(login)}\u0000${ip}`)
    .digest('base64url')
    .slice(0, 22);
  return `login:known:${mac}`;
}
