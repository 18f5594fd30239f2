import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../config/settings.js';
import { clearAccountLocks, reserveLoginAttempt } from './login-throttle.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import type { LoginThrottleSettings, ThrottleDependencies } from './throttle-dependencies.js';

function contextAt(clock: { now: number }, overrides: Partial<LoginThrottleSettings> = {}): ThrottleDependencies<LoginThrottleSettings> {
  const settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'unit-test-secret-0123456789abcdef', ...overrides };
  return { settings, limiter: new MemoryRateLimiter(), codec: { now: () => clock.now } };
}

async function fail(context: ThrottleDependencies<LoginThrottleSettings>, login: string, ip: string | undefined): Promise<number | 'ok'> {
  try {
    await (await reserveLoginAttempt(context, login, ip)).settle('failed');
    return 'ok';
  } catch (error) {
    return Number((error as { headers: Record<string, string> }).headers['retry-after']);
  }
}

describe('reserveLoginAttempt', () => {
  it('per account and address: five failures, then delays of 1, 2, 4 minutes', async () => {
    const clock = { now: 0 };
    const context = contextAt(clock);
    for (let i = 0; i < 5; i++) expect(await fail(context, 'kyoko', '192.0.2.1')).toBe('ok');
    expect(await fail(context, 'kyoko', '192.0.2.1')).toBe(60);
    for (const minutes of [1, 2, 4]) {
      clock.now += minutes * 60_000;
      expect(await fail(context, 'KYOKO', '192.0.2.1')).toBe('ok');
    }
    expect(await fail(context, 'kyoko', '192.0.2.1')).toBe(480);
  });

  it('a known address is exempt from the account rule; a success resets the count', async () => {
    const clock = { now: 0 };
    const context = contextAt(clock, { THROTTLE_LOGIN_ACCOUNT: '3/day', THROTTLE_LOGIN_ACCOUNT_ADDRESS: null });
    await (await reserveLoginAttempt(context, 'kyoko', '192.0.2.1')).settle('succeeded');
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect(await fail(context, 'kyoko', ip)).toBe('ok');
    expect(await fail(context, 'kyoko', '198.51.100.4')).toBeGreaterThan(0);
    const attempt = await reserveLoginAttempt(context, 'kyoko', '192.0.2.1');
    await attempt.settle('succeeded');
    expect(await fail(context, 'kyoko', '198.51.100.4')).toBe('ok');
  });

  it('without an address, no burst rule: one client cannot lock the account for all', async () => {
    const context = contextAt({ now: 0 });
    for (let i = 0; i < 20; i++) expect(await fail(context, 'kyoko', undefined)).toBe('ok');
  });

  it('an unchecked attempt is given back; an administrator clears every lock of an account', async () => {
    const context = contextAt({ now: 0 }, { THROTTLE_LOGIN_ACCOUNT_ADDRESS: '1/minute' });
    await (await reserveLoginAttempt(context, 'kyoko', '192.0.2.1')).settle('unchecked');
    expect(await fail(context, 'kyoko', '192.0.2.1')).toBe('ok');
    expect(await fail(context, 'kyoko', '192.0.2.1')).toBe(60);
    expect(await clearAccountLocks(context, 'Kyoko')).toBeGreaterThan(0);
    expect(await fail(context, 'kyoko', '192.0.2.1')).toBe('ok');
  });
});
