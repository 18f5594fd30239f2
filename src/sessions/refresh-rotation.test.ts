/**
 * Refresh rotation, unit by unit, on the lightest real store Tessera has (SQLite `:memory:`;
 * there is no separate in-memory store) and an injected clock: the reuse grace window, reuse
 * detection (the whole family dies, once), the session cap (SESSION_LIFETIME), and the loser of
 * two concurrent rotations of one token, made deterministic by holding both at the store's gate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../app/tessera.js';
import type { AuditRecord } from '../model/auth-events.js';
import type { Store } from '../model/store.js';
import type { User } from '../model/user.js';
import { openSqliteStore } from '../stores/sqlite/sqlite-store.js';
import { issuePair } from './issue-tokens.js';
import { refreshPair } from './refresh-tokens.js';
import { contextOf } from '../app/tessera-context.js';
import type { TesseraContext } from '../http/context.js';

const SECRET = 'rotation-unit-test-secret-0123456789abcdef-012345';
/** Far from the machine's clock: a time stamped with the wrong clock cannot pass for this one. */
const START = Date.UTC(2031, 5, 1, 12, 0, 0);

interface Fixture {
  readonly tessera: Tessera;
  /** The wiring the use cases under test take. */
  readonly context: TesseraContext;
  readonly store: Store;
  readonly user: User;
  readonly audit: AuditRecord[];
  /** The injected clock, in ms; tests move it. */
  now: number;
}

let opened: Tessera | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function fixture(settings: Record<string, unknown>, prepare?: (store: Store) => void): Promise<Fixture> {
  const store = await openSqliteStore(':memory:');
  prepare?.(store);
  const audit: AuditRecord[] = [];
  const state = { now: START } as Fixture;
  const tessera = await createTessera({
    store,
    env: { TESSERA_SECRET_KEY: SECRET },
    configFile: false,
    settings: { ROTATE_REFRESH_TOKENS: true, BLACKLIST_AFTER_ROTATION: true, ...settings },
    hooks: { onAuditEvent: (event) => void audit.push(event) },
    now: () => state.now,
  });
  opened = tessera;
  const user = await store.createUser({ username: 'kyoko', password: 'unused' });
  return Object.assign(state, { tessera, context: contextOf(tessera), store, user, audit });
}

function jtiOf(f: Fixture, refresh: string): string {
  return String(f.context.codec.decode(refresh, 'refresh', f.now).jti);
}

function expOf(f: Fixture, refresh: string): number {
  return Number(f.context.codec.decode(refresh, 'refresh', f.now).exp);
}

describe('the reuse grace window (REFRESH_TOKEN_REUSE_GRACE)', () => {
  it('answers a retry inside the window with the same successor, byte for byte, and revokes nothing', async () => {
    const f = await fixture({ REFRESH_TOKEN_REUSE_GRACE: 10 });
    const { refresh } = await issuePair(f.context, f.user);
    const first = await refreshPair(f.context, refresh);
    f.now += 10_000; // the last millisecond of the window
    const retry = await refreshPair(f.context, refresh);
    expect(retry.refresh).toBe(first.refresh);
    expect(retry.access).toEqual(expect.any(String));
    const successor = await f.store.findTokenState(jtiOf(f, first.refresh ?? ''));
    expect(successor).toMatchObject({ blacklistedAt: null, familyRevokedAt: null });
    expect(f.audit.map((event) => event.action)).not.toContain('refresh.reuse_detected');
  });

  it('ends one millisecond after the window: the same retry is reuse', async () => {
    const f = await fixture({ REFRESH_TOKEN_REUSE_GRACE: 10 });
    const { refresh } = await issuePair(f.context, f.user);
    await refreshPair(f.context, refresh);
    f.now += 10_001;
    await expect(refreshPair(f.context, refresh)).rejects.toMatchObject({ reason: 'reuse_detected' });
  });

  it('gives nothing once the successor has been used: the old token coming back is reuse', async () => {
    const f = await fixture({ REFRESH_TOKEN_REUSE_GRACE: 10 });
    const { refresh } = await issuePair(f.context, f.user);
    const first = await refreshPair(f.context, refresh);
    f.now += 1_000;
    await refreshPair(f.context, first.refresh ?? '');
    f.now += 1_000;
    await expect(refreshPair(f.context, refresh)).rejects.toMatchObject({ reason: 'reuse_detected' });
  });

  it('is none for a token sent in the body when the setting is unset (simplejwt): an immediate replay is reuse', async () => {
    const f = await fixture({});
    const { refresh } = await issuePair(f.context, f.user);
    await refreshPair(f.context, refresh);
    await expect(refreshPair(f.context, refresh)).rejects.toMatchObject({ reason: 'reuse_detected' });
  });

  it('is five seconds for a token sent in the cookie when the setting is unset', async () => {
    const f = await fixture({});
    const { refresh } = await issuePair(f.context, f.user);
    const first = await refreshPair(f.context, refresh, undefined, { fromCookie: true });
    f.now += 5_000;
    expect((await refreshPair(f.context, refresh, undefined, { fromCookie: true })).refresh).toBe(first.refresh);
    f.now += 1;
    await expect(refreshPair(f.context, refresh, undefined, { fromCookie: true })).rejects.toMatchObject({
      reason: 'reuse_detected',
    });
  });
});

describe('reuse detection', () => {
  it('revokes the whole family, successors included, and says so once in the audit log', async () => {
    const f = await fixture({});
    const { refresh: r0 } = await issuePair(f.context, f.user);
    const r1 = (await refreshPair(f.context, r0)).refresh ?? '';
    f.now += 1_000;
    const r2 = (await refreshPair(f.context, r1)).refresh ?? '';
    f.now += 1_000;

    await expect(refreshPair(f.context, r0)).rejects.toMatchObject({ reason: 'reuse_detected' });
    // The thief's newest token and the victim's are the same family: both are dead.
    await expect(refreshPair(f.context, r2)).rejects.toMatchObject({ reason: 'blacklisted' });
    expect(await f.store.findTokenState(jtiOf(f, r2))).toMatchObject({ blacklistedAt: new Date(f.now), familyRevokedAt: new Date(f.now) });

    // A second replay is refused as reuse again, but the family is not revoked (nor audited) twice.
    await expect(refreshPair(f.context, r1)).rejects.toMatchObject({ reason: 'reuse_detected' });
    const detections = f.audit.filter((event) => event.action === 'refresh.reuse_detected');
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({ user: { id: f.user.id }, detail: { replayed_jti: jtiOf(f, r0) } });
  });

  it('leaves other sessions of the same user alone', async () => {
    const f = await fixture({});
    const stolen = await issuePair(f.context, f.user);
    const other = await issuePair(f.context, f.user);
    await refreshPair(f.context, stolen.refresh);
    await expect(refreshPair(f.context, stolen.refresh)).rejects.toMatchObject({ reason: 'reuse_detected' });
    await expect(refreshPair(f.context, other.refresh)).resolves.toHaveProperty('refresh');
  });
});

describe('the session cap (SESSION_LIFETIME)', () => {
  const HOUR = 3_600;

  it('caps each rotated token at the family deadline, then refuses the refresh after it', async () => {
    const f = await fixture({ SESSION_LIFETIME: 2 * HOUR, REFRESH_TOKEN_LIFETIME: 24 * HOUR });
    const deadline = START / 1000 + 2 * HOUR;
    const { refresh: r0 } = await issuePair(f.context, f.user);
    expect(expOf(f, r0)).toBe(START / 1000 + 24 * HOUR); // the login's own token is not capped
    f.now += HOUR * 1000;
    const r1 = (await refreshPair(f.context, r0)).refresh ?? '';
    expect(expOf(f, r1)).toBe(deadline);
    f.now = (deadline - 1) * 1000;
    const r2 = (await refreshPair(f.context, r1)).refresh ?? '';
    expect(expOf(f, r2)).toBe(deadline);
    f.now = deadline * 1000;
    // At the deadline the capped token has expired as well: its own exp says so first.
    await expect(refreshPair(f.context, r2)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('refuses a token whose own exp outlives the family once the family deadline has passed', async () => {
    const f = await fixture({ SESSION_LIFETIME: 2 * HOUR, REFRESH_TOKEN_LIFETIME: 24 * HOUR });
    const { refresh: r0 } = await issuePair(f.context, f.user);
    f.now += 2 * HOUR * 1000;
    await expect(refreshPair(f.context, r0)).rejects.toMatchObject({ reason: 'session_expired' });
  });

  it('does not cap anything when unset', async () => {
    const f = await fixture({ REFRESH_TOKEN_LIFETIME: 24 * HOUR });
    const { refresh: r0 } = await issuePair(f.context, f.user);
    f.now += 30 * HOUR * 1000 - 24 * HOUR * 1000;
    const r1 = (await refreshPair(f.context, r0)).refresh ?? '';
    expect(expOf(f, r1)).toBe(f.now / 1000 + 24 * HOUR);
  });
});

/**
 * Holds the first `count` `rotate` calls at the store until all of them have arrived, then lets
 * them run together; later calls go straight through.
 */
function gateRotations(store: Store, count: number): void {
  const rotate = store.rotate.bind(store);
  let waiting: (() => void)[] | undefined = [];
  store.rotate = async (...args) => {
    const held = waiting;
    if (held !== undefined) {
      await new Promise<void>((release) => {
        held.push(release);
        if (held.length < count) return;
        waiting = undefined;
        for (const go of held) go();
      });
    }
    return rotate(...args);
  };
}

describe('the loser of two concurrent rotations of one token', () => {
  it('gets a 401 (concurrent_rotation) without a grace, and the family lives on', async () => {
    const f = await fixture({}, (store) => gateRotations(store, 2));
    const { refresh } = await issuePair(f.context, f.user);
    const outcomes = await Promise.allSettled([refreshPair(f.context, refresh), refreshPair(f.context, refresh)]);
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((outcome) => (outcome.reason as { reason?: string }).reason)).toEqual(['concurrent_rotation']);
    // Not taken for theft: the winner's successor still refreshes, and nothing was audited.
    f.now += 1_000;
    await expect(refreshPair(f.context, won[0]?.value.refresh ?? '')).resolves.toHaveProperty('refresh');
    expect(f.audit.map((event) => event.action)).not.toContain('refresh.reuse_detected');
  });

  it("gets the winner's successor within the grace, so the family does not fork", async () => {
    const f = await fixture({ REFRESH_TOKEN_REUSE_GRACE: 10 }, (store) => gateRotations(store, 2));
    const { refresh } = await issuePair(f.context, f.user);
    const [a, b] = await Promise.all([refreshPair(f.context, refresh), refreshPair(f.context, refresh)]);
    expect(a.refresh).toEqual(expect.any(String));
    expect(b.refresh).toBe(a.refresh);
    const state = await f.store.findTokenState(jtiOf(f, refresh));
    expect(state?.replacedBy).toBe(jtiOf(f, a.refresh ?? ''));
  });
});
