/**
 * The verifier's order of work, at library level (checklist SEC-03, SEC-05, SEC-06, SEC-15,
 * SEC-48): what is refused before the key is consulted, that the MAC is checked before the payload
 * is read, that odd signature lengths are refusals rather than exceptions, and that a key object
 * never shows its secret. A spy around a real HmacKey counts MAC verifications.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyJws } from '../../src/tokens/jws.js';
import { HmacKey } from '../../src/tokens/signing-key.js';
import { b64u, forgeHmac, forgeWithSignature } from './support/forge.js';

const SECRET = 'verifier-order-secret-0123456789abcdef';
const HEADER = '{"alg":"HS256","typ":"JWT"}';
const CLAIMS = { token_type: 'access', exp: 4_102_444_800, iat: 1_700_000_000, jti: 'a'.repeat(32), user_id: 1 };

/** A real HmacKey whose `verify` calls are counted, however the verifier reaches it. */
function spiedKey(): { key: HmacKey; verifications: () => number } {
  const real = HmacKey.fromSecret(SECRET, 'HS256');
  let count = 0;
  const spy: HmacKey = new Proxy(real, {
    get(target, property) {
      if (property === 'verify') {
        return (signingInput: string, signature: Buffer) => {
          count++;
          return target.verify(signingInput, signature);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // A key set of one hands back itself: hand back the spy instead.
      return (...args: unknown[]) => {
        const result: unknown = (value as (...inner: unknown[]) => unknown).apply(target, args);
        return result === target ? spy : result;
      };
    },
  });
  return { key: spy, verifications: () => count };
}

describe('what is refused before any MAC is computed (SEC-03, SEC-01, SEC-08)', () => {
  it.each([
    [
      'a validly MACed 1 MB token (over the length cap)',
      () => forgeHmac({ header: HEADER, payload: { ...CLAIMS, pad: 'x'.repeat(1_000_000) } }, SECRET),
      'too_long',
    ],
    ['15,000 dots', () => '.'.repeat(15_000), 'too_long'],
    ['four segments', () => `${forgeHmac({ header: HEADER, payload: CLAIMS }, SECRET)}.AAAA`, 'malformed'],
    ['"=" padding', () => `${forgeHmac({ header: HEADER, payload: CLAIMS }, SECRET)}=`, 'bad_base64url'],
    ['alg none', () => forgeWithSignature({ header: '{"alg":"none"}', payload: CLAIMS }, ''), 'alg_mismatch'],
    ['a duplicate alg member', () => forgeHmac({ header: '{"alg":"none","alg":"HS256"}', payload: CLAIMS }, SECRET), 'bad_header'],
    [
      'a jwk header',
      () => forgeHmac({ header: { alg: 'HS256', jwk: { kty: 'oct', k: b64u('x') } }, payload: CLAIMS }, SECRET),
      'embedded_key',
    ],
    ['crit', () => forgeHmac({ header: { alg: 'HS256', crit: ['x'], x: 1 }, payload: CLAIMS }, SECRET), 'crit_unsupported'],
  ] as const)('%s: refused as %s, no MAC computed', (_name, token, failure) => {
    const { key, verifications } = spiedKey();
    expect(verifyJws(token(), key)).toMatchObject({ ok: false, failure });
    expect(verifications()).toBe(0);
  });
});

describe('the MAC is checked before the payload is read (SEC-06)', () => {
  it.each([
    ['a tampered user_id', (token: string) => token.replace(/\.[^.]+\./, `.${b64u(JSON.stringify({ ...CLAIMS, user_id: 2 }))}.`)],
    ['a payload that is not JSON', (token: string) => token.replace(/\.[^.]+\./, `.${b64u('{not json')}.`)],
    ['a payload that is a JSON array', (token: string) => token.replace(/\.[^.]+\./, `.${b64u('[1,2]')}.`)],
    ['a payload with duplicate members', (token: string) => token.replace(/\.[^.]+\./, `.${b64u('{"user_id":1,"user_id":2}')}.`)],
  ])('%s under the original MAC: refused as a bad signature, one MAC computed', (_name, tamper) => {
    const { key, verifications } = spiedKey();
    expect(verifyJws(tamper(forgeHmac({ header: HEADER, payload: CLAIMS }, SECRET)), key)).toEqual({ ok: false, failure: 'bad_signature' });
    expect(verifications()).toBe(1);
  });

  it('control: the untampered token verifies with one MAC computed', () => {
    const { key, verifications } = spiedKey();
    expect(verifyJws(forgeHmac({ header: HEADER, payload: CLAIMS }, SECRET), key)).toMatchObject({ ok: true, payload: CLAIMS });
    expect(verifications()).toBe(1);
  });

  it('with a valid MAC, a payload with duplicate members is still refused (SEC-05)', () => {
    const { key } = spiedKey();
    expect(verifyJws(forgeHmac({ header: HEADER, payload: '{"user_id":2,"exp":4102444800,"user_id":1}' }, SECRET), key)).toEqual({
      ok: false,
      failure: 'bad_payload',
    });
  });
});

describe('signatures of the wrong length are refusals, not exceptions (SEC-15)', () => {
  it.each([0, 1, 31, 33, 64, 1000])('a %d-byte signature: bad_signature', (length) => {
    const { key } = spiedKey();
    const token = forgeWithSignature({ header: HEADER, payload: CLAIMS }, b64u(Buffer.alloc(length, 7)));
    expect(() => verifyJws(token, key)).not.toThrow();
    expect(verifyJws(token, key)).toMatchObject({ ok: false });
  });
});

describe('a key never shows its secret (SEC-48)', () => {
  it('inspect, JSON and string forms of an HmacKey carry no secret bytes', () => {
    const key = HmacKey.fromSecret(SECRET, 'HS256');
    for (const shown of [inspect(key, { showHidden: true, depth: 10 }), JSON.stringify(key), String(key), `${JSON.stringify({ key })}`]) {
      expect(shown.includes(SECRET), shown).toBe(false);
      expect(shown.includes(b64u(SECRET))).toBe(false);
      expect(shown.includes(Buffer.from(SECRET).toString('hex'))).toBe(false);
    }
  });
});
