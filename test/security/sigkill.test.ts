/**
 * Crash safety (issue 6 §6, checklist §6 R-03 and R-12): the server is SIGKILLed in the middle of
 * a burst of registrations and refresh-token rotations (rotation with blacklisting), then
 * restarted on the same SQLite file. Nothing a client was told happened may be lost, and no
 * rotation may be half done:
 * - every registration answered 201 exists and logs in;
 * - every rotation answered 200 has its old token refused and (unless it was rotated again) its
 *   new token accepted; in the database, the old token is blacklisted and names its successor;
 * - a rotation cut off by the kill either happened completely (old token blacklisted, successor
 *   recorded and live; the client never got it, which is R-02's lost response) or not at all (old
 *   token still live, no successor). "Old refused and no live successor" would be a lost
 *   rotation, "old live and a successor recorded" a split: both fail the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import type { Store, TokenState } from '../../src/model/store.js';
import { client, claimsOf } from '../http/api-suite.js';
import { serveCli, startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import type { Api } from './support/token-endpoints.js';

const ROTATION_MODE = {
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  // The burst comes from one address: throttling would only turn it into 429s.
  TESSERA_THROTTLE_REGISTER_IP: 'off',
  TESSERA_THROTTLE_LOGIN_ACCOUNT: 'off',
  TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
  TESSERA_THROTTLE_LOGIN_IP: 'off',
  // ...and the hash queue's per-address bound into 503s: this test is about durability.
  TESSERA_HASH_QUEUE_LIMIT: '512',
  TESSERA_HASH_QUEUE_PER_CLIENT: '512',
};
const SESSIONS = 24;
const REGISTRATIONS = 80;
/** Kill once this many registrations were answered 201: the rest are then queued or hashing. */
const KILL_AFTER_REGISTERED = 15;
/** And once this many rotations were answered 200. */
const KILL_AFTER_ROTATED = 20;
/** A chain stops rotating after this many rotations, so the database stays small. */
const MAX_ROTATIONS_PER_CHAIN = 400;

/** What the client learnt of one request before the crash. */
type Outcome<T> = { state: 'answered'; status: number; value: T } | { state: 'cut off' };

interface Chain {
  /** Each rotation answered 200: the token presented and the one received. */
  readonly rotations: { old: string; next: string }[];
  /** The token whose rotation request got no answer (the kill cut it off), if any. */
  cutOff: string | undefined;
  /** The newest token the client holds. */
  current: string;
}

interface Registration {
  readonly username: string;
  readonly password: string;
  outcome: Outcome<undefined> | undefined;
}

let first: CliServerProcess;
let restarted: CliServerProcess;
let store: Store;
let api: Api;
const chains: Chain[] = [];
const registrations: Registration[] = [];

const jtiOf = (token: string): string => String(claimsOf(token).jti);

async function stateOf(token: string): Promise<TokenState | undefined> {
  return store.findTokenState(jtiOf(token));
}

async function killMidBurst(): Promise<void> {
  const burstApi = client(first.baseUrl);
  let registered = 0;
  let rotated = 0;
  let killed = false;
  let kill: () => void = () => undefined;
  const killedNow = new Promise<void>((resolve) => (kill = resolve));
  const maybeKill = (): void => {
    if (!killed && registered >= KILL_AFTER_REGISTERED && rotated >= KILL_AFTER_ROTATED) {
      killed = true;
      kill();
    }
  };

  const register = async (registration: Registration): Promise<void> => {
    const { username, password } = registration;
    try {
      const reply = await burstApi.post('/accounts/register/', {
        email: `${username}@example.com`,
        username,
        first_name: 'Burst',
        password,
        password2: password,
      });
      registration.outcome = { state: 'answered', status: reply.status, value: undefined };
      if (reply.status === 201) registered++;
      maybeKill();
    } catch {
      registration.outcome = { state: 'cut off' };
    }
  };

  const rotate = async (chain: Chain): Promise<void> => {
    // Each chain keeps one request in flight until the process is gone (not merely until the kill
    // is decided): stopping at the decision let every in-flight rotation finish before the SIGKILL
    // on a fast run, and then no rotation was cut off at all.
    while (chain.rotations.length < MAX_ROTATIONS_PER_CHAIN) {
      const presented = chain.current;
      try {
        const reply = await burstApi.post('/api/token/refresh/', { refresh: presented });
        expect(reply.status, `a rotation before the crash failed: ${reply.text}`).toBe(200);
        const next = (reply.json as { refresh: string }).refresh;
        chain.rotations.push({ old: presented, next });
        chain.current = next;
        rotated++;
        maybeKill();
      } catch (error) {
        if (!killed) throw error;
        chain.cutOff = presented;
        return;
      }
    }
  };

  const burst = [...registrations.map(register), ...chains.map(rotate)];
  const deadline = setTimeout(() => {
    killed = true;
    kill();
  }, 20_000);
  await killedNow;
  clearTimeout(deadline);
  expect(registered, 'the kill came too late to be mid-burst').toBeLessThan(REGISTRATIONS);
  await first.kill();
  await Promise.all(burst);
}

beforeAll(async () => {
  first = await startCliServer(ROTATION_MODE);
  api = client(first.baseUrl);
  for (let session = 0; session < SESSIONS; session++) {
    const { refresh } = (await api.post('/api/token/', SUPERUSER)).json as { refresh: string };
    chains.push({ rotations: [], cutOff: undefined, current: refresh });
  }
  for (let index = 0; index < REGISTRATIONS; index++) {
    registrations.push({ username: `burst${index}`, password: `Burst-Password-${index}-Correct-Horse`, outcome: undefined });
  }
  await killMidBurst();
  restarted = await serveCli(first.env);
  api = client(restarted.baseUrl);
  store = await openStore(first.databaseUrl);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await Promise.all([first?.stop(), restarted?.stop()]);
});

describe('SIGKILL in the middle of registrations and rotations (R-03, R-12)', () => {
  it('the kill really came mid-burst: some requests were answered, some were cut off', () => {
    const answered = registrations.filter((registration) => registration.outcome?.state === 'answered').length;
    const rotationsAnswered = chains.reduce((sum, chain) => sum + chain.rotations.length, 0);
    expect(answered).toBeGreaterThanOrEqual(KILL_AFTER_REGISTERED);
    expect(answered).toBeLessThan(REGISTRATIONS);
    expect(rotationsAnswered).toBeGreaterThanOrEqual(KILL_AFTER_ROTATED);
    expect(chains.filter((chain) => chain.cutOff !== undefined).length).toBeGreaterThan(0);
  });

  it('every registration answered 201 exists after the restart and logs in', async () => {
    const confirmed = registrations.filter(
      (registration) => registration.outcome?.state === 'answered' && registration.outcome.status === 201,
    );
    expect(confirmed.length).toBeGreaterThanOrEqual(KILL_AFTER_REGISTERED);
    for (const { username, password } of confirmed) {
      expect(await store.findUser('username', username), username).toBeDefined();
      const login = await api.post('/api/token/', { username, password });
      expect(login.status, `${username}: ${login.text}`).toBe(200);
    }
  });

  it('a registration cut off by the kill either exists completely (and logs in) or not at all', async () => {
    const cutOff = registrations.filter((registration) => registration.outcome?.state !== 'answered');
    for (const { username, password } of cutOff) {
      const user = await store.findUser('username', username);
      const login = await api.post('/api/token/', { username, password });
      expect(login.status, `${username} ${user === undefined ? 'absent' : 'present'}: ${login.text}`).toBe(user === undefined ? 401 : 200);
    }
  });

  it('in the database, every rotation answered 200 blacklisted its old token and recorded the new one as its successor', async () => {
    for (const chain of chains) {
      for (const { old, next } of chain.rotations) {
        const state = await stateOf(old);
        expect(state?.blacklistedAt, `old ${jtiOf(old)}`).not.toBeNull();
        expect(state?.replacedBy).toBe(jtiOf(next));
        expect(await stateOf(next), `successor ${jtiOf(next)} is recorded`).toBeDefined();
      }
    }
  });

  it('no token is half-rotated: a cut-off rotation happened completely (successor live) or not at all', async () => {
    for (const chain of chains) {
      if (chain.cutOff === undefined) continue;
      const state = await stateOf(chain.cutOff);
      expect(state, 'the presented token is recorded').toBeDefined();
      if (state?.blacklistedAt === null) {
        expect(state.replacedBy, 'old token live, yet a successor recorded: a split').toBeNull();
      } else {
        expect(state?.replacedBy, 'old token blacklisted without a successor: a lost rotation').not.toBeNull();
        const successor = await store.findTokenState(state?.replacedBy ?? '');
        expect(successor?.blacklistedAt, 'the successor of a completed rotation is live').toBeNull();
      }
    }
  });

  it('over HTTP after the restart: old tokens refused, newest tokens accepted, never both or neither', async () => {
    for (const chain of chains) {
      const last = chain.rotations.at(-1);
      if (last === undefined) continue;
      const oldVerify = await api.post('/api/token/verify/', { token: last.old });
      expect(oldVerify.status, oldVerify.text).toBe(400);
      expect(oldVerify.json).toEqual({ non_field_errors: ['Token is blacklisted'] });
      const newest = await stateOf(last.next);
      const newVerify = await api.post('/api/token/verify/', { token: last.next });
      if (chain.cutOff === last.next && newest?.blacklistedAt !== null) {
        // Its own rotation completed before the kill: it is refused, and its successor is live.
        expect(newVerify.status).toBe(400);
        continue;
      }
      expect(newVerify.status, newVerify.text).toBe(200);
      const refreshed = await api.post('/api/token/refresh/', { refresh: last.next });
      expect(refreshed.status, refreshed.text).toBe(200);
      const replayed = await api.post('/api/token/refresh/', { refresh: last.old });
      expect(replayed.status).toBe(401);
    }
  });

  it('the earliest rotated tokens of every chain are refused too', async () => {
    for (const chain of chains) {
      for (const { old } of chain.rotations.slice(0, 3)) {
        expect((await api.post('/api/token/verify/', { token: old })).status).toBe(400);
      }
    }
  });
});
