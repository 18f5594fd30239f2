/**
 * Tessera throttles failed logins (per submitted username and per client address) and
 * registrations; the reference has no throttling at all (deliberate difference
 * login-throttling). This file's Tessera runs with a low per-account rate so that the limit is
 * reached in a handful of requests; the default is 100/hour, and every other parity file runs
 * with the defaults, which none of them comes near.
 */
import { describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import { loginBoth, ROUTES, useServerPair } from './fixture.js';
import { jsonRequest } from './http-client.js';

const FAILURES_ALLOWED = 5;
const pair = useServerPair('default', { tesseraEnv: { TESSERA_THROTTLE_LOGIN_ACCOUNT: `${FAILURES_ALLOWED}/hour` } });

const NO_ACCOUNT = '{"detail":"No active account found with the given credentials"}';

describe('failed-login throttling (deliberate difference login-throttling)', () => {
  it(`after ${FAILURES_ALLOWED} failed logins for one username, Tessera answers 429 with Retry-After; other accounts still log in`, async () => {
    // Usernames are throttled whether or not the account exists (so a 429 reveals nothing).
    const guess = (password: string) => jsonRequest(ROUTES.obtain, { username: 'mallory-target', password });
    for (let attempt = 1; attempt <= FAILURES_ALLOWED; attempt++) {
      const { reference } = await expectParity(pair(), guess(`guess-${attempt}`));
      expect(reference.body, `attempt ${attempt}`).toBe(NO_ACCOUNT);
    }
    const { tessera } = await expectDeliberateDifference(pair(), 'login-throttling', guess('one-guess-too-many'));
    if (!pair().selfCheck) {
      // The body's seconds and Retry-After say the same wait, within the hour window.
      const wait = Number(tessera.headers['retry-after']);
      expect(tessera.body).toContain(`Expected available in ${wait} second`);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(3600);
    }
    // The budget is per username: the superuser is not locked out by someone else's guesses.
    await loginBoth(pair());
  });
});
