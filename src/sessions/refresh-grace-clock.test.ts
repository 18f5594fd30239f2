/**
 * The reuse grace window is measured on one clock. The store used to stamp a rotated token's
 * blacklisting with its own `new Date()` while the use case compared that stamp with its
 * injected clock; with the two clocks apart, a retry inside REFRESH_TOKEN_REUSE_GRACE was taken
 * for theft and revoked the whole family. Now the use case passes `now` to `rotate`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../app/tessera.js';
import type { User } from '../model/user.js';
import { openSqliteStore } from '../stores/sqlite/sqlite-store.js';
import { issuePair } from './issue-tokens.js';
import { refreshPair } from './refresh-tokens.js';
import { contextOf } from '../app/tessera-context.js';

const SECRET = 'grace-clock-test-secret-0123456789abcdef-0123456789';
/** Far from the machine's clock, so a time stamped with the wrong clock cannot pass for this one. */
const START = Date.UTC(2031, 5, 1, 12, 0, 0);

describe('refresh rotation on an injected clock (SQLite store)', () => {
  let tessera: Tessera;
  let clock: number;
  let user: User;

  beforeEach(async () => {
    clock = START;
    const store = await openSqliteStore(':memory:');
    tessera = await createTessera({
      store,
      env: { TESSERA_SECRET_KEY: SECRET },
      configFile: false,
      settings: { ROTATE_REFRESH_TOKENS: true, BLACKLIST_AFTER_ROTATION: true, REFRESH_TOKEN_REUSE_GRACE: 10 },
      now: () => clock,
    });
    user = await store.createUser({ username: 'kyoko', password: 'unused' });
  });
  afterEach(async () => tessera.close());

  it('stamps the rotation with the use case clock, not the machine clock', async () => {
    const { refresh } = await issuePair(contextOf(tessera), user);
    await refreshPair(contextOf(tessera), refresh);
    const jti = contextOf(tessera).codec.decode(refresh, 'refresh', clock).jti;
    const state = await tessera.store.findTokenState(String(jti));
    expect(state?.blacklistedAt?.getTime()).toBe(START);
  });

  it('answers a retry inside the grace window with the successor, and revokes nothing', async () => {
    const { refresh } = await issuePair(contextOf(tessera), user);
    const first = await refreshPair(contextOf(tessera), refresh);
    clock += 5_000;
    const retry = await refreshPair(contextOf(tessera), refresh);
    expect(retry.refresh).toBeDefined();
    // The successor still refreshes: the family was not revoked as stolen.
    clock += 1_000;
    await expect(refreshPair(contextOf(tessera), first.refresh ?? '')).resolves.toHaveProperty('access');
  });

  it('takes a replay after the grace window for reuse', async () => {
    const { refresh } = await issuePair(contextOf(tessera), user);
    await refreshPair(contextOf(tessera), refresh);
    clock += 11_000;
    await expect(refreshPair(contextOf(tessera), refresh)).rejects.toMatchObject({ reason: 'reuse_detected' });
  });
});
