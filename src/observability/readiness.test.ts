import { describe, expect, it } from 'vitest';
import { readinessProbe, type ReadinessCheck } from './readiness.js';

function counting(result: () => Promise<boolean>): ReadinessCheck & { runs: number } {
  const check = {
    name: 'database',
    runs: 0,
    run: () => {
      check.runs += 1;
      return result();
    },
  };
  return check;
}

describe('readiness probe', () => {
  it('is ready only when every check passes, and names each state', async () => {
    const probe = readinessProbe(
      [
        { name: 'database', run: async () => true },
        { name: 'migrations', run: async () => false },
        { name: 'redis', run: async () => Promise.reject(new Error('ECONNREFUSED')) },
      ],
      { cacheMs: 0 },
    );
    expect(await probe()).toEqual({ ready: false, checks: { database: 'ok', migrations: 'failing', redis: 'failing' } });
  });

  it('counts a check that hangs as a timeout', async () => {
    const probe = readinessProbe([{ name: 'database', run: () => new Promise<boolean>(() => undefined) }], { cacheMs: 0, timeoutMs: 50 });
    expect(await probe()).toEqual({ ready: false, checks: { database: 'timeout' } });
  });

  it('shares one run among concurrent probes and reuses a result for the cache time', async () => {
    let clock = 1000;
    const check = counting(async () => true);
    const probe = readinessProbe([check], { cacheMs: 500, now: () => clock });
    const results = await Promise.all(Array.from({ length: 50 }, () => probe()));
    expect(results.every((result) => result.ready)).toBe(true);
    expect(check.runs).toBe(1);
    clock += 499;
    await probe();
    expect(check.runs).toBe(1);
    clock += 1;
    await probe();
    expect(check.runs).toBe(2);
  });
});
