/**
 * The per-user token cut-off (issue 15) on an injected clock, so that "the same second" is
 * exact: a token minted in the second of the cut-off but after it works, one minted before it
 * (in that same second) does not. Whole-second `iat` alone could not tell them apart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../app/tessera.js';
import type { User } from '../model/user.js';
import { openSqliteStore } from '../stores/sqlite/sqlite-store.js';
import { endEverySession } from './end-every-session.js';
import { issuePair } from './issue-tokens.js';
import { refreshPair } from './refresh-tokens.js';
import { verifyToken } from './verify-token.js';
import { contextOf } from '../app/tessera-context.js';

const SECRET = 'cutoff-test-secret-0123456789abcdef-0123456789abc';
/** 12:00:00.200: the cut-off below happens 500 ms later, in the same whole second. */
const START = Date.UTC(2031, 5, 1, 12, 0, 0) + 200;

describe('token cut-off (SQLite store, injected clock)', () => {
  let tessera: Tessera;
  let clock: number;
  let user: User;
  let role: string;

  beforeEach(async () => {
    clock = START;
    role = 'editor';
    const store = await openSqliteStore(':memory:');
    tessera = await createTessera({
      store,
      env: { TESSERA_SECRET_KEY: SECRET },
      configFile: false,
      settings: { CLAIMS_ON_REFRESH: 'recompute' },
      hooks: { customClaims: () => ({ role }) },
      now: () => clock,
    });
    await store.createUser({ username: 'kyoko', password: 'unused' });
    user = (await tessera.store.findUser('username', 'kyoko'))!;
  });
  afterEach(async () => tessera.close());

  const bearer = (access: string) => `Bearer ${access}`;

  it('refuses tokens minted before the cut-off and accepts the pair minted after it in the same second', async () => {
    const before = await issuePair(contextOf(tessera), user);
    expect(contextOf(tessera).codec.decode(before.access, 'access', clock)).not.toHaveProperty('ver');
    await expect(tessera.authenticate(bearer(before.access))).resolves.toBeDefined();

    clock += 500;
    const { pair } = await endEverySession(contextOf(tessera), user, { issueNewPair: true });
    const after = pair!;
    const codec = contextOf(tessera).codec;
    // Both tokens have the same whole-second iat: only the version tells them apart.
    expect(codec.decode(after.access, 'access', clock).iat).toBe(codec.decode(before.access, 'access', clock).iat);
    expect(codec.decode(after.access, 'access', clock).ver).toBe(1);

    await expect(tessera.authenticate(bearer(before.access))).rejects.toMatchObject({
      code: 'token_not_valid_for_any_type',
    });
    await expect(verifyToken(contextOf(tessera), before.access)).rejects.toMatchObject({ reason: 'cut_off' });
    await expect(refreshPair(contextOf(tessera), before.refresh)).rejects.toMatchObject({ reason: 'blacklisted' });

    await expect(tessera.authenticate(bearer(after.access))).resolves.toMatchObject({ user: { id: user.id } });
    await expect(verifyToken(contextOf(tessera), after.access)).resolves.toEqual({});
    await expect(refreshPair(contextOf(tessera), after.refresh)).resolves.toHaveProperty('access');
  });

  it('refuses an unrecorded refresh token minted before the cut-off (one the blacklist never saw)', async () => {
    const before = await issuePair(contextOf(tessera), user);
    // A refresh token minted with the same key elsewhere (simplejwt) is not in the outstanding table.
    const foreign = contextOf(tessera).codec.encode({
      ...contextOf(tessera).codec.decode(before.refresh, 'refresh', clock),
      jti: 'f'.repeat(32),
    });
    await tessera.store.cutOffTokens(user.id, new Date(clock));
    await expect(refreshPair(contextOf(tessera), foreign)).rejects.toMatchObject({ reason: 'cut_off' });
  });

  it('recomputes the custom claims at refresh with CLAIMS_ON_REFRESH=recompute', async () => {
    const { refresh, access } = await issuePair(contextOf(tessera), user);
    expect(contextOf(tessera).codec.decode(access, 'access', clock).role).toBe('editor');
    role = 'viewer';
    const refreshed = await refreshPair(contextOf(tessera), refresh);
    const claims = contextOf(tessera).codec.decode(refreshed.access, 'access', clock);
    expect(claims.role).toBe('viewer');
    expect(claims.user_id).toBe(user.id);
  });
});
