/**
 * Account-recovery secrets against values real Django 3.2 computed
 * (test/vectors/django-recovery.json, written by support/django-recovery-vectors.py with Debian's
 * python3-django): Tessera's password-reset tokens and uids are Django's, byte for byte, and
 * Tessera judges Django's tokens as Django does (valid at the timeout, expired one second later,
 * tampered refused); django-allauth's signed email-confirmation keys are reproduced and verified.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signInteger, unsignInteger } from '../../src/tokens/django-signing.js';
import { decodeUid, encodeUid, PasswordResetTokens } from '../../src/tokens/password-reset-token.js';

interface ResetVector {
  pk: number;
  password: string;
  email: string;
  last_login: string | null;
  now: string;
  uid: string;
  token: string;
  checks: { at_timeout: boolean; after_timeout: boolean; before_issue: boolean; tampered: boolean };
}
interface SigningVector {
  pk: number;
  time: number;
  salt: string;
  key: string;
}
const vectors = JSON.parse(readFileSync(new URL('./django-recovery.json', import.meta.url), 'utf8')) as {
  secret: string;
  timeout: number;
  reset: ResetVector[];
  signing: SigningVector[];
};

function generatorAt(nowMs: number): PasswordResetTokens {
  return new PasswordResetTokens({ secret: vectors.secret, timeoutSeconds: vectors.timeout, now: () => nowMs });
}

describe('password-reset tokens are Django 3.2 tokens', () => {
  for (const vector of vectors.reset) {
    const user = {
      id: vector.pk,
      password: vector.password,
      email: vector.email,
      lastLogin: vector.last_login === null ? null : new Date(vector.last_login),
    };
    const issued = Date.parse(vector.now);
    it(`user ${vector.pk}: same token, same uid`, () => {
      expect(generatorAt(issued).make(user)).toBe(vector.token);
      expect(encodeUid(vector.pk)).toBe(vector.uid);
      expect(decodeUid(vector.uid)).toBe(vector.pk);
    });
    it(`user ${vector.pk}: Django's verdicts on its own token`, () => {
      expect(generatorAt(issued + vectors.timeout * 1000).check(user, vector.token)).toBe(vector.checks.at_timeout);
      expect(generatorAt(issued + (vectors.timeout + 1) * 1000).check(user, vector.token)).toBe(vector.checks.after_timeout);
      expect(generatorAt(issued - 5000).check(user, vector.token)).toBe(vector.checks.before_issue);
      const tampered = vector.token.slice(0, -1) + (vector.token.endsWith('0') ? '1' : '0');
      expect(generatorAt(issued).check(user, tampered)).toBe(vector.checks.tampered);
    });
  }
});

describe("django-allauth's email-confirmation keys (signing.dumps, salt 'account')", () => {
  for (const vector of vectors.signing) {
    it(`pk ${vector.pk}`, () => {
      const options = { secret: vectors.secret, salt: vector.salt, nowMs: vector.time * 1000 };
      expect(signInteger(vector.pk, options)).toBe(vector.key);
      expect(unsignInteger(vector.key, { ...options, maxAgeSeconds: 60 })).toBe(vector.pk);
    });
  }
});
