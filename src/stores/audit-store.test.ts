import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from '../../test/support/postgres.js';
import { openStore } from './open-store.js';
import type { AuditTrail, ConsoleSignInStore, Store } from '../model/store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

const STORES: [string, () => Promise<Store>, boolean][] = [
  ['SQLite', () => openSqliteStore(':memory:'), false],
  ['PostgreSQL', () => openStore(freshPostgresUrl()), true],
];

describe.each(STORES)('the audit trail and console sign-ins on %s (migration 0002)', (_name, open, postgres) => {
  let store: Store;
  let audit: AuditTrail;
  let signIns: ConsoleSignInStore;
  let userId: number;
  const at = (second: number): Date => new Date(Date.UTC(2026, 0, 1, 12, 0, second));

  beforeAll(async () => {
    if (postgres) await requirePostgres();
  });
  afterAll(async () => {
    if (postgres) await dropTestSchemas();
  });
  beforeEach(async () => {
    store = await open();
    await store.migrate();
    audit = store.audit!;
    signIns = store.consoleSignIns!;
    userId = (await store.createUser({ username: 'kyoko', password: 'x', isStaff: true })).id;
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps audit entries newest first, filterable by target user', async () => {
    const entry = { actorId: userId, actorUsername: 'kyoko', targetUserId: null, target: '', detail: '', ip: '127.0.0.1' };
    await audit.recordAudit({ ...entry, at: at(1), action: 'admin.sign_in' });
    await audit.recordAudit({ ...entry, at: at(2), action: 'user.create', targetUserId: 7, target: 'amaya', detail: 'active: yes' });
    await audit.recordAudit({ ...entry, at: at(2), action: 'token.blacklist_all', targetUserId: 7, target: 'amaya' });
    const all = await audit.listAudit();
    expect(all.map((row) => row.action)).toEqual(['token.blacklist_all', 'user.create', 'admin.sign_in']);
    expect(all[1]).toMatchObject({
      at: at(2),
      actorId: userId,
      actorUsername: 'kyoko',
      targetUserId: 7,
      target: 'amaya',
      detail: 'active: yes',
      ip: '127.0.0.1',
    });
    expect((await audit.listAudit({ targetUserId: 7 })).map((row) => row.action)).toEqual(['token.blacklist_all', 'user.create']);
    expect((await audit.listAudit({ limit: 1, offset: 1 })).map((row) => row.action)).toEqual(['user.create']);
  });

  it('filters by action, and prunes entries older than the retention (AUDIT_RETENTION)', async () => {
    const entry = { actorId: null, actorUsername: 'kyoko', targetUserId: null, target: '', detail: '', ip: null };
    await audit.recordAudit({ ...entry, at: at(1), action: 'login.failed' });
    await audit.recordAudit({ ...entry, at: at(2), action: 'login.succeeded' });
    await audit.recordAudit({ ...entry, at: at(3), action: 'login.failed' });
    expect((await audit.listAudit({ action: 'login.failed' })).map((row) => row.at)).toEqual([at(3), at(1)]);
    expect(await store.audit?.pruneAudit?.(at(2))).toBe(1);
    expect((await audit.listAudit()).map((row) => row.action)).toEqual(['login.failed', 'login.succeeded']);
    expect(await store.audit?.pruneAudit?.(at(2))).toBe(0);
    expect(await store.audit?.pruneAudit?.(at(60))).toBe(2);
    expect(await audit.listAudit()).toEqual([]);
  });

  it('keeps the trail when the acting user is deleted', async () => {
    await audit.recordAudit({
      at: at(1),
      actorId: userId,
      actorUsername: 'kyoko',
      action: 'admin.sign_in',
      targetUserId: userId,
      target: 'kyoko',
      detail: '',
      ip: null,
    });
    await store.deleteUser(userId);
    expect(await audit.listAudit()).toHaveLength(1);
  });

  it('finds, touches and ends admin sessions', async () => {
    const session = { idHash: 'a'.repeat(64), userId, csrfToken: 'token', createdAt: at(0), lastSeenAt: at(0), expiresAt: at(50) };
    await signIns.createSignIn(session);
    await signIns.createSignIn({ ...session, idHash: 'b'.repeat(64) });
    expect(await signIns.findSignIn(session.idHash)).toEqual(session);
    await signIns.touchSignIn(session.idHash, at(10));
    expect((await signIns.findSignIn(session.idHash))?.lastSeenAt).toEqual(at(10));
    expect(await signIns.deleteSignInsOfUser(userId, session.idHash)).toBe(1);
    expect(await signIns.findSignIn('b'.repeat(64))).toBeUndefined();
    await signIns.deleteSignIn(session.idHash);
    expect(await signIns.findSignIn(session.idHash)).toBeUndefined();
  });

  it('deletes sessions past their end or idle too long, and those of a deleted user', async () => {
    const base = { userId, csrfToken: 't', createdAt: at(0) };
    await signIns.createSignIn({ ...base, idHash: 'expired', lastSeenAt: at(9), expiresAt: at(10) });
    await signIns.createSignIn({ ...base, idHash: 'idle', lastSeenAt: at(1), expiresAt: at(50) });
    await signIns.createSignIn({ ...base, idHash: 'live', lastSeenAt: at(9), expiresAt: at(50) });
    expect(await signIns.deleteStaleSignIns(at(10), at(5))).toBe(2);
    expect(await signIns.findSignIn('live')).toBeDefined();
    await store.deleteUser(userId);
    expect(await signIns.findSignIn('live')).toBeUndefined();
  });
});
