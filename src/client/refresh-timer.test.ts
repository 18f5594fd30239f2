import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options.js';
import { RefreshTimer } from './refresh-timer.js';

const session = { access: 'a', refresh: 'r', obtainedAt: 10_000, accessExpiresAt: 110_000, refreshExpiresAt: null, csrfToken: null };

describe('RefreshTimer', () => {
  it('is due between refreshAt - refreshJitter and refreshAt of the lifetime, spread at random', () => {
    const timer = new RefreshTimer(
      { refreshAt: 0.75, refreshJitter: 0.1, retryInitialMs: 1000, retryMaxMs: 30_000, clock: Date.now },
      () => undefined,
    );
    const moments = Array.from({ length: 200 }, () => timer.dueAt(session));
    for (const moment of moments) {
      expect(moment).toBeGreaterThanOrEqual(10_000 + 65_000);
      expect(moment).toBeLessThanOrEqual(10_000 + 75_000);
    }
    expect(new Set(moments).size).toBeGreaterThan(150);
  });

  it('backs off after failures, doubling up to the cap', async () => {
    let fired = 0;
    const timer = new RefreshTimer(
      { refreshAt: 0.75, refreshJitter: 0, retryInitialMs: 20, retryMaxMs: 40, clock: Date.now },
      () => (fired += 1),
    );
    const started = Date.now();
    timer.backOff();
    await new Promise((wake) => setTimeout(wake, 30));
    expect(fired).toBe(1);
    timer.backOff();
    timer.backOff();
    timer.cancel();
    await new Promise((wake) => setTimeout(wake, 60));
    expect(fired).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });
});

describe('resolveOptions', () => {
  it('refuses options that cannot work, naming them', () => {
    expect(() => resolveOptions({ baseUrl: 'http://x', refreshAt: 1.5 })).toThrow(/refreshAt/);
    expect(() => resolveOptions({ baseUrl: 'http://x', refreshAt: 0.2, refreshJitter: 0.3 })).toThrow(/refreshJitter/);
    expect(() => resolveOptions({ baseUrl: 'http://x', mode: 'session' as 'cookie' })).toThrow(/mode/);
  });
  it('fills in the defaults and trims the trailing slash of baseUrl', () => {
    const options = resolveOptions({ baseUrl: 'https://api.example.com/' });
    expect(options).toMatchObject({
      baseUrl: 'https://api.example.com',
      mode: 'bearer',
      refreshAt: 0.75,
      channel: 'tessera:https://api.example.com',
    });
    expect(options.routes.refresh).toBe('/api/token/refresh/');
  });
});
