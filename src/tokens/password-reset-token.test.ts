import { describe, expect, it } from 'vitest';
import { decodeUid, encodeUid, PasswordResetTokens } from './password-reset-token.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256!';
const user = { id: 5, password: 'argon2-hash-one', lastLogin: null, email: 'bob@example.com' };
const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

function tokensAt(nowMs: number, timeoutSeconds = 3600): PasswordResetTokens {
  return new PasswordResetTokens({ secret, timeoutSeconds, now: () => nowMs });
}

describe('PasswordResetTokens', () => {
  const token = tokensAt(T0).make(user);

  it('checks its own token within the timeout, refuses it after', () => {
    expect(tokensAt(T0 + 3600_000).check(user, token)).toBe(true);
    expect(tokensAt(T0 + 3601_000).check(user, token)).toBe(false);
    expect(tokensAt(T0 + 10_000, 5).check(user, token)).toBe(false);
  });

  it('is spent once the password, the last login or the email changes', () => {
    const now = tokensAt(T0 + 1000);
    expect(now.check({ ...user, password: 'argon2-hash-two' }, token)).toBe(false);
    expect(now.check({ ...user, lastLogin: new Date(T0 + 500) }, token)).toBe(false);
    expect(now.check({ ...user, email: 'bob@example.org' }, token)).toBe(false);
    expect(now.check({ ...user, id: 6 }, token)).toBe(false);
  });

  it('ignores sub-second last-login precision, as Django truncates microseconds', () => {
    const withLogin = { ...user, lastLogin: new Date(T0 - 60_000 + 123) };
    const made = tokensAt(T0).make(withLogin);
    expect(tokensAt(T0).check({ ...withLogin, lastLogin: new Date(T0 - 60_000 + 999) }, made)).toBe(true);
  });

  it('refuses malformed, re-timestamped and other-secret tokens', () => {
    const checker = tokensAt(T0);
    for (const bad of [
      '',
      '-',
      token.toUpperCase(),
      `${token}-x`,
      `${token}0`,
      token.replace(/^[^-]+/, (ts) => (Number.parseInt(ts, 36) + 1).toString(36)),
    ]) {
      expect(checker.check(user, bad)).toBe(false);
    }
    const other = new PasswordResetTokens({ secret: `${secret}x`, timeoutSeconds: 3600, now: () => T0 }).make(user);
    expect(checker.check(user, other)).toBe(false);
  });
});

describe('uid', () => {
  it('round-trips ids and refuses every other spelling', () => {
    for (const id of [1, 42, 999_999_999_999]) expect(decodeUid(encodeUid(id))).toBe(id);
    for (const bad of ['', 'MA', 'LTE', 'MDQy', 'NDI=', 'NDJ', 'bm9wZQ', 'NDI*', 'A'.repeat(40)]) expect(decodeUid(bad)).toBeUndefined();
  });
});
