import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url } from './base64url.js';
import { parseJsonObject } from './json-object.js';
import { signJws, verifyJws, verifyJwsBytes } from './jws.js';
import { HmacKey, type KeyResolver } from './signing-key.js';

// Fixtures minted by PyJWT 2.6.0 (what simplejwt 5.2.2 uses), e.g.:
//   python3 -c 'import jwt; print(jwt.encode({"exp":946684800}, "not very secret in tests", algorithm="HS256"))'
const PYJWT_EXP_ONLY = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk0NjY4NDgwMH0.iqxxOHV63sjeqNR1GDxX3LPvMymfVB76sOIDqTbjAgk';
const REFERENCE_SECRET = 'reference-secret-key-change-me-0123456789abcdef';
// {"token_type":"access","exp":4102444800,"iat":1700000000,"jti":"0123...","user_id":1,"name":"José ☃"}
const PYJWT_NON_ASCII =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidXNlcl9pZCI6MSwibmFtZSI6Ikpvc1x1MDBlOSBcdTI2MDMifQ.JhJFPRJRg-LmyIJq55AGcMDseP69Fj2xtp9wPNQOgZs';
const PYJWT_HS512 =
  'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk0NjY4NDgwMH0.zqUEQIhJKsU0I3sxDPzGvLIoaxChFXM976doA-WWiH7qiFHEAF9vp93gvF9qbZ8w1P0Ii_sazzahT0EohJGjiw';

const key = HmacKey.fromSecret('not very secret in tests', 'HS256');
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token with any header and payload text, correctly signed with `secret`. */
function forge(header: unknown, payload: unknown, secret = 'not very secret in tests', hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

describe('signJws', () => {
  it('produces byte-identical tokens to PyJWT (sorted header, compact payload)', () => {
    expect(signJws({ exp: 946684800 }, key)).toBe(PYJWT_EXP_ONLY);
    expect(signJws({ exp: 946684800 }, HmacKey.fromSecret('k'.repeat(64), 'HS512'))).toBe(PYJWT_HS512);
  });

  it('escapes non-ASCII claims as Python json.dumps does', () => {
    const payload = {
      token_type: 'access',
      exp: 4102444800,
      iat: 1700000000,
      jti: '0123456789abcdef0123456789abcdef',
      user_id: 1,
      name: 'José ☃',
    };
    expect(signJws(payload, HmacKey.fromSecret(REFERENCE_SECRET, 'HS256'))).toBe(PYJWT_NON_ASCII);
  });
});

describe('verifyJws', () => {
  it('accepts PyJWT tokens and returns the claims', () => {
    const result = verifyJws(PYJWT_NON_ASCII, HmacKey.fromSecret(REFERENCE_SECRET, 'HS256'));
    expect(result).toMatchObject({ ok: true, payload: { name: 'José ☃', user_id: 1 } });
  });

  it('refuses a wrong key, and a tampered payload', () => {
    expect(verifyJws(PYJWT_EXP_ONLY, HmacKey.fromSecret('another secret', 'HS256'))).toEqual({ ok: false, failure: 'bad_signature' });
    const [header, , signature] = PYJWT_EXP_ONLY.split('.');
    expect(verifyJws(`${header}.${b64({ exp: 9999999999 })}.${signature}`, key)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it.each(['none', 'None', 'NONE', 'nOnE', 'HS512', 'hs256', 'RS256', ''])('refuses alg %j under an HS256 key', (alg) => {
    const token = alg.toLowerCase() === 'none' ? `${b64({ alg, typ: 'JWT' })}.${b64({ exp: 1 })}.` : forge({ alg, typ: 'JWT' }, { exp: 1 });
    expect(verifyJws(token, key)).toEqual({ ok: false, failure: 'alg_mismatch' });
  });

  it('refuses a header without alg, or with alg of the wrong type', () => {
    expect(verifyJws(forge({ typ: 'JWT' }, { a: 1 }), key)).toMatchObject({ ok: false, failure: 'alg_mismatch' });
    expect(verifyJws(forge({ alg: ['HS256'] }, { a: 1 }), key)).toMatchObject({ ok: false, failure: 'alg_mismatch' });
  });

  it.each([
    [{ alg: 'HS256', crit: ['exp'] }, 'crit_unsupported'],
    [{ alg: 'HS256', b64: false, crit: ['b64'] }, 'crit_unsupported'],
    [{ alg: 'HS256', b64: false }, 'unencoded_payload'],
    [{ alg: 'HS256', jwk: { kty: 'oct', k: 'AAAA' } }, 'embedded_key'],
    [{ alg: 'HS256', jku: 'https://attacker.example/jwks.json' }, 'embedded_key'],
    [{ alg: 'HS256', x5u: 'https://attacker.example/cert.pem' }, 'embedded_key'],
    [{ alg: 'HS256', x5c: ['MIIB'] }, 'embedded_key'],
    [{ alg: 'HS256', enc: 'A256GCM' }, 'encryption_header'],
    [{ alg: 'HS256', zip: 'DEF' }, 'encryption_header'],
    [{ alg: 'HS256', p2c: 2147483647 }, 'encryption_header'],
    [{ alg: 'HS256', kid: 7 }, 'kid_mismatch'],
    [{ alg: 'HS256', typ: 7 }, 'bad_header'],
  ])('refuses header %j', (header, failure) => {
    expect(verifyJws(forge(header, { exp: 1 }), key)).toEqual({ ok: false, failure });
  });

  it.each([
    ['two segments', 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9', 'malformed'],
    ['four segments', `${PYJWT_EXP_ONLY}.AAAA`, 'malformed'],
    ['empty', '', 'malformed'],
    ['padding', PYJWT_EXP_ONLY.replace('.eyJleHAiOjk0NjY4NDgwMH0.', '.eyJleHAiOjk0NjY4NDgwMH0=.'), 'bad_base64url'],
  ])('refuses %s', (_name, token, failure) => {
    expect(verifyJws(token, key)).toEqual({ ok: false, failure });
  });

  it('refuses the standard base64 alphabet', () => {
    const key512 = HmacKey.fromSecret('k'.repeat(64), 'HS512');
    expect(verifyJws(PYJWT_HS512, key512)).toMatchObject({ ok: true });
    expect(verifyJws(PYJWT_HS512.replace('-', '+'), key512)).toEqual({ ok: false, failure: 'bad_base64url' });
  });

  it('refuses non-canonical base64url (non-zero trailing bits) in the signature', () => {
    // The last character of a 32-byte signature carries 4 padding bits; flipping them keeps the bytes.
    const last = PYJWT_EXP_ONLY.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1] ?? '';
    const token = PYJWT_EXP_ONLY.slice(0, -1) + sibling;
    expect(decodeBase64Url(sibling === '' ? '' : (token.split('.')[2] ?? ''))).toBeUndefined();
    expect(verifyJws(token, key)).toEqual({ ok: false, failure: 'bad_base64url' });
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', '"text"'],
    ['a number', '12'],
    ['null', 'null'],
    ['invalid JSON', '{"exp":'],
    ['duplicate claims', '{"exp":1,"exp":99999999999}'],
    ['escaped duplicate claims', '{"exp":1,"\\u0065xp":99999999999}'],
  ])('refuses a payload that is %s', (_name, payload) => {
    expect(verifyJws(forge({ alg: 'HS256', typ: 'JWT' }, payload), key)).toEqual({ ok: false, failure: 'bad_payload' });
  });

  it('refuses a header with duplicate members', () => {
    expect(verifyJws(forge('{"alg":"HS256","alg":"none"}', { exp: 1 }), key)).toEqual({ ok: false, failure: 'bad_header' });
  });

  it('refuses overlong tokens before parsing them', () => {
    expect(verifyJws(forge({ alg: 'HS256' }, { pad: 'x'.repeat(9000) }), key)).toEqual({ ok: false, failure: 'too_long' });
  });
});

describe('parseJsonObject', () => {
  it('allows repeated names inside nested values', () => {
    expect(parseJsonObject('{"a":{"b":1},"c":[{"b":2}],"d":"{\\"a\\":1}"}')).toEqual({ a: { b: 1 }, c: [{ b: 2 }], d: '{"a":1}' });
  });
  it('refuses a repeated top-level name after nested objects', () => {
    expect(parseJsonObject('{"a":{"x":1,"y":[1,{"z":2}]},"a":2}')).toBeUndefined();
  });
});

describe('verifyJws with a key resolver', () => {
  const current = HmacKey.fromSecret('c'.repeat(32), 'HS256', 'current');
  const previous = HmacKey.fromSecret('p'.repeat(32), 'HS256', 'previous');
  const keys: KeyResolver = { keyFor: (kid) => (kid === 'current' ? current : kid === 'previous' ? previous : undefined) };

  it('verifies with the key the kid names, and with no other', () => {
    expect(verifyJws(signJws({ exp: 1 }, previous), keys)).toMatchObject({
      ok: true,
      header: { alg: 'HS256', kid: 'previous', typ: 'JWT' },
    });
    expect(verifyJws(forge({ alg: 'HS256', kid: 'current' }, { exp: 1 }, 'p'.repeat(32)), keys)).toEqual({
      ok: false,
      failure: 'bad_signature',
    });
  });

  it('reports an unknown kid with the kid (a remote key set may fetch it), and a missing one without', () => {
    expect(verifyJws(forge({ alg: 'HS256', kid: 'next' }, { exp: 1 }), keys)).toEqual({ ok: false, failure: 'unknown_kid', kid: 'next' });
    expect(verifyJws(forge({ alg: 'HS256' }, { exp: 1 }), keys)).toEqual({ ok: false, failure: 'kid_mismatch' });
  });

  it('a key with a kid takes tokens naming it or none; a key without one takes any (simplejwt ignores kid)', () => {
    expect(verifyJws(forge({ alg: 'HS256', kid: 'k1' }, { exp: 1 }), key)).toMatchObject({ ok: true });
    const named = HmacKey.fromSecret('not very secret in tests', 'HS256', 'mine');
    expect(verifyJws(forge({ alg: 'HS256', kid: 'mine' }, { exp: 1 }), named)).toMatchObject({ ok: true });
    expect(verifyJws(forge({ alg: 'HS256' }, { exp: 1 }), named)).toMatchObject({ ok: true });
    expect(verifyJws(forge({ alg: 'HS256', kid: 'theirs' }, { exp: 1 }), named)).toEqual({
      ok: false,
      failure: 'unknown_kid',
      kid: 'theirs',
    });
  });

  it('never asks the resolver about a kid outside the allowed syntax', () => {
    const asked: unknown[] = [];
    const spy: KeyResolver = { keyFor: (kid) => (asked.push(kid), key) };
    for (const kid of ['', 'a b', '"quoted"', 'x'.repeat(129), '\u0000']) verifyJws(forge({ alg: 'HS256', kid }, { exp: 1 }), spy);
    expect(asked).toEqual([]);
  });

  it('refuses to sign with a key that can only verify', () => {
    const verifyOnly = {
      ...key,
      canSign: false,
      algorithm: key.algorithm,
      kid: undefined,
      keyFor: () => undefined,
      sign: key.sign.bind(key),
      verify: key.verify.bind(key),
      publicJwk: () => undefined,
    };
    expect(() => signJws({ exp: 1 }, verifyOnly)).toThrow(/can only verify/);
  });
});

describe('verifyJwsBytes', () => {
  it('returns the payload bytes of any signed content, signature first', () => {
    const input = `${b64({ alg: 'HS256' })}.${b64('foo')}`;
    const token = `${input}.${createHmac('sha256', 'not very secret in tests').update(input).digest('base64url')}`;
    expect(verifyJwsBytes(token, key)).toMatchObject({ ok: true, payload: Buffer.from('foo') });
    expect(verifyJws(token, key)).toEqual({ ok: false, failure: 'bad_payload' });
  });
});
