import { describe, expect, it } from 'vitest';
import { loadSettings } from '../config/load-settings.js';
import type { Settings } from '../config/settings.js';
import { TOKEN_MESSAGES, TokenError } from '../errors.js';
import { signJws } from './jws.js';
import { HmacKey } from './signing-key.js';
import { TokenCodec, type Claims } from './token-codec.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const NOW_MS = 1_800_000_000_500; // half a second past a whole second: flooring matters

function codecWith(overrides: Partial<Settings> = {}): TokenCodec {
  const { settings } = loadSettings({ env: { TESSERA_SECRET_KEY: SECRET }, configFile: false, overrides });
  return new TokenCodec({ settings, keys: HmacKey.fromSecret(settings.SIGNING_KEY, 'HS256'), now: () => NOW_MS });
}

const codec = codecWith();
const now = Math.floor(NOW_MS / 1000);
const sign = (claims: Claims) => signJws(claims, codec.key);
const valid = (extra: Claims = {}): Claims => ({
  token_type: 'access',
  exp: now + 60,
  iat: now,
  jti: 'a'.repeat(32),
  user_id: 1,
  ...extra,
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('TokenCodec.create', () => {
  it("writes simplejwt's claims in simplejwt's order, with floored times", () => {
    const refresh = codec.create('refresh', 1);
    expect(Object.keys(refresh)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    expect(refresh).toMatchObject({ token_type: 'refresh', exp: now + 86_400, iat: now, user_id: 1 });
    expect(refresh.jti).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives sliding tokens a refresh_exp before the user id', () => {
    const sliding = codec.create('sliding', 'alice');
    expect(Object.keys(sliding)).toEqual(['token_type', 'exp', 'iat', 'jti', 'refresh_exp', 'user_id']);
    expect(sliding).toMatchObject({ exp: now + 300, refresh_exp: now + 86_400 });
  });

  it('honours custom lifetimes and claim names', () => {
    const custom = codecWith({ ACCESS_TOKEN_LIFETIME: 10, TOKEN_TYPE_CLAIM: 'typ', JTI_CLAIM: 'id', USER_ID_CLAIM: 'sub' });
    expect(Object.keys(custom.create('access', 5))).toEqual(['typ', 'exp', 'iat', 'id', 'sub']);
    expect(custom.create('access').exp).toBe(now + 10);
  });

  it('writes no type claim when TOKEN_TYPE_CLAIM is null (simplejwt writes a "null" key)', () => {
    expect(Object.keys(codecWith({ TOKEN_TYPE_CLAIM: null }).create('access'))).toEqual(['exp', 'iat', 'jti']);
  });
});

describe('derived tokens', () => {
  const refresh: Claims = { ...codec.create('refresh', 1, NOW_MS - 3_600_000), custom: 'kept' };

  it('access from refresh: own jti, exp from now, fresh iat, other claims copied', () => {
    const access = codec.accessFor(refresh);
    expect(access).toMatchObject({ token_type: 'access', exp: now + 300, iat: now, user_id: 1, custom: 'kept' });
    expect(access.jti).not.toBe(refresh.jti);
    expect(Object.keys(access)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'custom']);
  });

  it('rotation renews jti, exp and iat and keeps the rest', () => {
    const next = codec.rotated(refresh);
    expect(next).toMatchObject({ token_type: 'refresh', exp: now + 86_400, iat: now, user_id: 1, custom: 'kept' });
    expect(next.jti).not.toBe(refresh.jti);
  });

  it('sliding refresh keeps jti and refresh_exp', () => {
    const sliding = codec.create('sliding', 1, NOW_MS - 60_000);
    const slid = codec.slid(sliding);
    expect(slid).toMatchObject({ jti: sliding.jti, refresh_exp: sliding.refresh_exp, exp: now + 300, iat: now });
  });
});

describe('TokenCodec.decode', () => {
  it('round-trips its own tokens', () => {
    const claims = codec.create('access', 1);
    expect(codec.decode(codec.encode(claims), 'access')).toEqual(claims);
  });

  it.each([
    ['expired', { exp: now - 1 }],
    ['expiring this very second (PyJWT: exp <= now)', { exp: now }],
    ['issued in the future', { iat: now + 5 }],
    ['not yet valid', { nbf: now + 5 }],
    ['a string exp', { exp: String(now + 60) }],
    ['a boolean exp', { exp: true }],
    ['a null iat', { iat: null }],
  ])('refuses a token %s as "invalid or expired"', (_name, extra) => {
    expect(messageOf(() => codec.decode(sign(valid(extra)), 'access'))).toBe(TOKEN_MESSAGES.invalid);
  });

  it('accepts a float exp, truncated as Python int() does', () => {
    expect(codec.decode(sign(valid({ exp: 9999999999.5 })), 'access').exp).toBe(9999999999.5);
  });

  it("runs simplejwt's own checks in its order", () => {
    const { exp: _exp, ...noExp } = valid();
    expect(messageOf(() => codec.decode(sign(noExp), 'access'))).toBe("Token has no 'exp' claim");
    const { jti: _jti, ...noJti } = valid();
    expect(messageOf(() => codec.decode(sign(noJti), 'access'))).toBe('Token has no id');
    const { token_type: _type, ...noType } = valid();
    expect(messageOf(() => codec.decode(sign(noType), 'access'))).toBe('Token has no type');
    expect(messageOf(() => codec.decode(sign(valid()), 'refresh'))).toBe('Token has wrong type');
  });

  it('ignores the type for untyped tokens (the verify endpoint)', () => {
    expect(codec.decode(sign(valid({ token_type: 'fake_type' })), 'untyped').token_type).toBe('fake_type');
  });

  it('applies LEEWAY to exp', () => {
    const lenient = codecWith({ LEEWAY: 10 });
    expect(lenient.decode(sign(valid({ exp: now - 5 })), 'access').exp).toBe(now - 5);
    expect(messageOf(() => lenient.decode(sign(valid({ exp: now - 60 })), 'access'))).toBe(TOKEN_MESSAGES.invalid);
  });

  it('checks refresh_exp with sub-second precision and leeway', () => {
    expect(messageOf(() => codec.checkExp({ refresh_exp: now }, 'refresh_exp'))).toBe("Token 'refresh_exp' claim has expired");
    expect(messageOf(() => codec.checkExp({}, 'refresh_exp'))).toBe("Token has no 'refresh_exp' claim");
    expect(() => codec.checkExp({ refresh_exp: now + 1 }, 'refresh_exp')).not.toThrow();
  });
});

describe('AUDIENCE and ISSUER', () => {
  const strict = codecWith({ AUDIENCE: ['api', 'admin'], ISSUER: 'https://auth.example' });
  const signStrict = (claims: Claims) => signJws(claims, strict.key);

  it('appends aud and iss after every other claim when encoding', () => {
    const payload = JSON.parse(Buffer.from(strict.encode(strict.create('access', 1)).split('.')[1] ?? '', 'base64url').toString());
    expect(Object.keys(payload).slice(-2)).toEqual(['aud', 'iss']);
    expect(payload).toMatchObject({ aud: ['api', 'admin'], iss: 'https://auth.example' });
  });

  it('requires a matching aud (string or list) and iss', () => {
    expect(strict.decode(signStrict(valid({ aud: 'admin', iss: 'https://auth.example' })), 'access').aud).toBe('admin');
    expect(strict.decode(signStrict(valid({ aud: ['x', 'api'], iss: 'https://auth.example' })), 'access').aud).toEqual(['x', 'api']);
    for (const extra of [
      { iss: 'https://auth.example' },
      { aud: 'other', iss: 'https://auth.example' },
      { aud: 'api' },
      { aud: [], iss: 'https://auth.example' },
      { aud: [1], iss: 'https://auth.example' },
    ]) {
      expect(messageOf(() => strict.decode(signStrict(valid(extra)), 'access'))).toBe(TOKEN_MESSAGES.invalid);
    }
  });

  it('ignores aud when AUDIENCE is not set, as PyJWT does', () => {
    expect(codec.decode(sign(valid({ aud: 'anything' })), 'access').aud).toBe('anything');
  });
});
