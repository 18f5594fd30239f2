/**
 * TokenError keeps the parser's precise reason (issue 11 item 6) while clients keep getting
 * simplejwt's message: a service using the verifier switches on `reason`, never on `message`.
 */
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../config/load-settings.js';
import type { Settings } from '../config/settings.js';
import { TOKEN_MESSAGES, TesseraError, TokenError, tokenErrorReasonOf, type TokenErrorReason } from '../errors.js';
import { encodeBase64Url } from './base64url.js';
import { signJws } from './jws.js';
import { HmacKey } from './signing-key.js';
import { TokenCodec, type Claims, type TokenType } from './token-codec.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256!';
const NOW_MS = 1_800_000_000_000;
const now = NOW_MS / 1000;

function codecWith(overrides: Partial<Settings> = {}): TokenCodec {
  const { settings } = loadSettings({ env: { TESSERA_SECRET_KEY: SECRET }, configFile: false, overrides });
  return new TokenCodec({ settings, keys: HmacKey.fromSecret(settings.SIGNING_KEY, 'HS256'), now: () => NOW_MS });
}

const codec = codecWith();
const sign = (claims: Claims) => signJws(claims, codec.key);
const valid = (extra: Claims = {}): Claims => ({
  token_type: 'access',
  exp: now + 60,
  iat: now,
  jti: 'a'.repeat(32),
  user_id: 1,
  ...extra,
});
const segment = (value: unknown) => encodeBase64Url(JSON.stringify(value));

function refusal(run: () => unknown): TokenError {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenError) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

const cases: [string, TokenErrorReason, () => string, string, TokenType?][] = [
  ['not three segments', 'malformed', () => 'abc.def', TOKEN_MESSAGES.invalid],
  ['a tampered signature', 'bad_signature', () => `${sign(valid()).slice(0, -4)}AAAA`, TOKEN_MESSAGES.invalid],
  ['alg "none"', 'alg_mismatch', () => `${segment({ alg: 'none', typ: 'JWT' })}.${segment(valid())}.`, TOKEN_MESSAGES.invalid],
  [
    'an HS512 header under an HS256 key',
    'alg_mismatch',
    () => {
      const [, payload, signature] = sign(valid()).split('.');
      return `${segment({ alg: 'HS512', typ: 'JWT' })}.${payload}.${signature}`;
    },
    TOKEN_MESSAGES.invalid,
  ],
  [
    'a key brought in the header',
    'embedded_key',
    () => `${segment({ alg: 'HS256', jwk: {} })}.${segment(valid())}.AAAA`,
    TOKEN_MESSAGES.invalid,
  ],
  ['an expired exp', 'expired', () => sign(valid({ exp: now - 1 })), TOKEN_MESSAGES.invalid],
  ['a future nbf', 'not_yet_valid', () => sign(valid({ nbf: now + 600 })), TOKEN_MESSAGES.invalid],
  ['a string iat', 'bad_claim', () => sign(valid({ iat: 'yesterday' })), TOKEN_MESSAGES.invalid],
  ['no exp', 'missing_claim', () => sign(valid({ exp: undefined })), TOKEN_MESSAGES.noClaim('exp')],
  ['no jti', 'no_id', () => sign(valid({ jti: undefined })), TOKEN_MESSAGES.noId],
  ['no type', 'no_type', () => sign(valid({ token_type: undefined })), TOKEN_MESSAGES.noType],
  ['a refresh token where an access token goes', 'wrong_type', () => sign(valid({ token_type: 'refresh' })), TOKEN_MESSAGES.wrongType],
];

describe('TokenError reasons', () => {
  it.each(cases)('%s: reason %s, simplejwt message unchanged', (_name, reason, token, message, type = 'access') => {
    const error = refusal(() => codec.decode(token(), type));
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(message);
  });

  it('tells issuer and audience mismatches apart', () => {
    const strict = codecWith({ ISSUER: 'https://issuer.example', AUDIENCE: 'api' });
    const signStrict = (claims: Claims) => signJws(claims, strict.key);
    expect(refusal(() => strict.decode(signStrict(valid({ iss: 'https://other.example', aud: 'api' })), 'access')).reason).toBe(
      'issuer_mismatch',
    );
    expect(refusal(() => strict.decode(signStrict(valid({ iss: 'https://issuer.example', aud: 'web' })), 'access')).reason).toBe(
      'audience_mismatch',
    );
  });

  it("names a passed sliding refresh_exp as claim_expired with simplejwt's message", () => {
    const error = refusal(() => codec.checkExp(valid({ refresh_exp: now - 5 }), 'refresh_exp'));
    expect(error.reason).toBe('claim_expired');
    expect(error.message).toBe("Token 'refresh_exp' claim has expired");
  });

  it('keeps the reason through the 401 the HTTP layer builds, without changing the body', () => {
    const error = TesseraError.fromToken(new TokenError('bad_signature'));
    expect(error.body).toEqual({ detail: 'Token is invalid or expired', code: 'token_not_valid' });
    expect(tokenErrorReasonOf(error)).toBe('bad_signature');
    expect(tokenErrorReasonOf(TesseraError.of('not_authenticated'))).toBeUndefined();
  });
});
