/**
 * The revocation feed stays small: on an injected clock, a revoked session and a cut-off are
 * listed while an access token minted before them can still be alive (ACCESS_TOKEN_LIFETIME +
 * LEEWAY) and left out after. USER_ID_FIELD names users as tokens do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../app/tessera.js';
import type { User } from '../model/user.js';
import { openSqliteStore } from '../stores/sqlite/sqlite-store.js';
import { issuePair } from './issue-tokens.js';
import { blacklistToken } from './revoke-tokens.js';
import { assertFeedReader, revocationFeed } from './revocation-feed.js';
import { contextOf } from '../app/tessera-context.js';

const SECRET = 'feed-test-secret-0123456789abcdef-0123456789abcdef';
const FEED_KEY = 'feed-key-0123456789abcdef-0123456789';
const START = Date.UTC(2031, 5, 1, 12, 0, 0);

describe('revocation feed (SQLite store, injected clock)', () => {
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
      settings: {
        TOKEN_SESSION_CLAIM: 'sid',
        REVOCATION_FEED_KEY: FEED_KEY,
        ACCESS_TOKEN_LIFETIME: 300,
        LEEWAY: 10,
        USER_ID_FIELD: 'username',
      },
      now: () => clock,
    });
    await store.createUser({ username: 'kyoko', password: 'unused' });
    user = (await tessera.store.findUser('username', 'kyoko'))!;
  });
  afterEach(async () => tessera.close());

  it('lists revocations younger than the access lifetime plus leeway, and only those', async () => {
    const pair = await issuePair(contextOf(tessera), user);
    await blacklistToken(contextOf(tessera), pair.refresh);
    await tessera.store.cutOffTokens(user.id, new Date(clock));
    const sid = contextOf(tessera).codec.decode(pair.access, 'access', clock).sid;
    const at = START / 1000;
    clock += 310_000;
    expect(await revocationFeed(contextOf(tessera))).toEqual({
      claims: { user: 'user_id', version: 'ver', session: 'sid' },
      now: at + 310,
      horizon: 310,
      cut_offs: [{ user: 'kyoko', version: 1, at }],
      sessions: [{ sid, at }],
    });
    clock += 1000;
    expect(await revocationFeed(contextOf(tessera))).toMatchObject({ cut_offs: [], sessions: [] });
  });

  it('lets in only the feed key', () => {
    expect(() => assertFeedReader(contextOf(tessera), `Bearer ${FEED_KEY}`)).not.toThrow();
    expect(() => assertFeedReader(contextOf(tessera), undefined)).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => assertFeedReader(contextOf(tessera), `Bearer ${FEED_KEY.slice(1)}`)).toThrow(expect.objectContaining({ status: 403 }));
  });
});
