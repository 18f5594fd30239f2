import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Libsql from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAccountStoreConformance } from '../../../test/stores/account-conformance.js';
import { runStoreConformance } from '../../../test/stores/conformance.js';
import { runPermissionStoreConformance } from '../../../test/stores/permission-conformance.js';
import { nextLine, runMultiProcessSuite, startWorker, token, type SharedStoreKind } from '../../../test/stores/multi-process.js';
import { openSqliteStore } from './sqlite-store.js';

let scratch: string;
let fileCounter = 0;

function freshDbPath(): string {
  fileCounter += 1;
  return join(scratch, `db-${fileCounter}.sqlite3`);
}

/** Reads a finished store file with a separate raw connection. */
function withRawConnection<T>(path: string, read: (db: Libsql.Database) => T): T {
  const db = new Libsql(path);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tessera-sqlite-store-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

runStoreConformance('SQLite file', () => openSqliteStore(freshDbPath()));
runAccountStoreConformance('SQLite', () => openSqliteStore(freshDbPath()));
runPermissionStoreConformance('SQLite', () => openSqliteStore(freshDbPath()));
runStoreConformance('SQLite :memory:', () => openSqliteStore(':memory:'));

describe('openSqliteStore', () => {
  it('creates a missing file in WAL mode with the expected PRAGMAs', async () => {
    const path = freshDbPath();
    const store = await openSqliteStore(path);
    await store.migrate();
    expect(store.journalMode).toBe('wal');
    await store.close();
    // journal_mode=WAL is stored in the file; the others are per connection (checked below by
    // behaviour: cascades, and waiting for another process's lock).
    expect(withRawConnection(path, (db) => db.prepare('PRAGMA journal_mode').all())).toEqual([{ journal_mode: 'wal' }]);
  });

  it('refuses a path whose directory does not exist', async () => {
    await expect(openSqliteStore(join(scratch, 'no-such-dir', 'db.sqlite3'))).rejects.toThrow(/does not exist/);
  });

  it('refuses a file that is not a database', async () => {
    const path = freshDbPath();
    withRawConnection(path, () => undefined);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'this is not an SQLite database, just some text that is long enough '.repeat(10));
    await expect(openSqliteStore(path)).rejects.toThrow();
  });
});

describe('SQLite schema', () => {
  it("uses Django's table and column names, without simplejwt's raw token column", async () => {
    const path = freshDbPath();
    const store = await openSqliteStore(path);
    await store.migrate();
    await store.close();
    const columns = (table: string): string[] =>
      withRawConnection(path, (db) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).sort());
    expect(columns('auth_user')).toEqual([
      'date_joined',
      'email',
      'first_name',
      'id',
      'is_active',
      'is_staff',
      'is_superuser',
      'last_login',
      'last_name',
      'password',
      'username',
    ]);
    expect(columns('token_blacklist_outstandingtoken')).toEqual([
      'created_at',
      'expires_at',
      'family_id',
      'id',
      'jti',
      'replaced_by',
      'user_id',
    ]);
    expect(columns('token_blacklist_blacklistedtoken')).toEqual(['blacklisted_at', 'id', 'token_id']);
    const indexes = withRawConnection(path, (db) =>
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map(
        (i) => i.name,
      ),
    );
    // Later migrations add their own indexes; these are the ones the token tables rely on.
    expect(indexes).toEqual(
      expect.arrayContaining([
        'auth_user_email_ci_uniq',
        'auth_user_username_uniq',
        'token_blacklist_outstandingtoken_expires_at_idx',
        'token_blacklist_outstandingtoken_family_id_idx',
        'token_blacklist_outstandingtoken_user_id_idx',
      ]),
    );
  });

  it('stores datetimes as Django does (UTC text) and booleans as 0/1', async () => {
    const path = freshDbPath();
    const store = await openSqliteStore(path);
    await store.migrate();
    await store.createUser({ username: 'u', password: 'p', dateJoined: new Date('2024-01-02T03:04:05.678Z'), isStaff: true });
    const t = { ...token(), expiresAt: new Date('2030-05-06T07:08:09Z') };
    await store.blacklist(t, new Date());
    await store.close();
    withRawConnection(path, (db) => {
      expect(db.prepare('SELECT date_joined, is_staff, is_active, is_superuser, typeof(is_staff) AS kind FROM auth_user').all()).toEqual([
        { date_joined: '2024-01-02 03:04:05.678000', is_staff: 1, is_active: 1, is_superuser: 0, kind: 'integer' },
      ]);
      expect(db.prepare('SELECT expires_at FROM token_blacklist_outstandingtoken').all()).toEqual([
        { expires_at: '2030-05-06 07:08:09.000000' },
      ]);
    });
  });

  it('reads rows written by Django (datetimes without a fraction, integer booleans)', async () => {
    const path = freshDbPath();
    const store = await openSqliteStore(path);
    await store.migrate();
    withRawConnection(path, (db) => {
      db.prepare(
        "INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES ('pbkdf2_sha256$x', NULL, 1, 'kyoko', '', '', 'kyoko@example.com', 1, 1, '2026-11-23 09:33:06.539735')",
      ).run();
      db.prepare(
        "INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at) VALUES ('9bfc477b8bcf4a34b77386ca18ca5890', 1, '2026-11-23 09:33:18.882252', '2026-11-24 09:33:18')",
      ).run();
    });
    expect(await store.findUser('username', 'kyoko')).toMatchObject({
      isSuperuser: true,
      isStaff: true,
      isActive: true,
      lastLogin: null,
      dateJoined: new Date('2026-11-23T09:33:06.539Z'),
    });
    expect(await store.listTokens()).toEqual([
      {
        jti: '9bfc477b8bcf4a34b77386ca18ca5890',
        userId: 1,
        familyId: null,
        createdAt: new Date('2026-11-23T09:33:18.882Z'),
        expiresAt: new Date('2026-11-24T09:33:18Z'),
        blacklistedAt: null,
      },
    ]);
    // Django's fraction-less "09:33:18" still compares correctly with Tessera's fixed-width text.
    expect(await store.flushExpired(new Date('2026-11-24T09:33:17.999Z'))).toBe(0);
    expect(await store.flushExpired(new Date('2026-11-24T09:33:18.000Z'))).toBe(1);
    await store.close();
  });

  it('cascades blacklist rows in the database itself when an outstanding row is deleted', async () => {
    const path = freshDbPath();
    const store = await openSqliteStore(path);
    await store.migrate();
    const t = token();
    await store.blacklist(t, new Date());
    await store.close();
    withRawConnection(path, (db) => {
      db.exec('PRAGMA foreign_keys = ON');
      db.prepare('DELETE FROM token_blacklist_outstandingtoken').run();
      expect(db.prepare('SELECT count(*) AS n FROM token_blacklist_blacklistedtoken').all()).toEqual([{ n: 0 }]);
    });
  });

  it('rolls back a failed write transaction completely', async () => {
    const store = await openSqliteStore(':memory:');
    await store.migrate();
    const old = token();
    // An invalid expiry makes recording `next` throw after `old` was blacklisted in the same
    // transaction: nothing of it may remain.
    const next = { ...token(), expiresAt: new Date(Number.NaN) };
    await expect(store.rotate(old, next, new Date())).rejects.toThrow(/invalid Date/);
    expect(await store.isBlacklisted(old.jti)).toBe(false);
    expect(await store.listTokens()).toEqual([]);
    expect(await store.rotate(old, token(), new Date())).toBe(true);
    await store.close();
  });
});

// ---- several OS processes on one file ----

/** SQLite files in the scratch directory, for the multi-process suite and the lock test. */
const sqliteFile: SharedStoreKind = {
  module: 'stores/sqlite/sqlite-store',
  dialect: 'sqlite',
  fresh: () => {
    const path = freshDbPath();
    return {
      target: { path },
      open: () => openSqliteStore(path),
      appliedMigrations: async () =>
        withRawConnection(path, (db) =>
          (db.prepare('SELECT name FROM tessera_migration ORDER BY name').all() as { name: string }[]).map((row) => row.name),
        ),
    };
  },
};

runMultiProcessSuite('SQLite', sqliteFile);

describe('SQLite store beside another process', () => {
  it("waits for another process's write lock instead of failing (busy_timeout)", async () => {
    const database = sqliteFile.fresh();
    const store = await database.open();
    await store.migrate();
    const holder = startWorker('hold-lock', '-', database, '1500');
    expect(await nextLine(holder)).toBe('locked');
    const started = Date.now();
    expect(await store.blacklist(token(), new Date())).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await holder.exited).toBe(0);
    await store.close();
  });
});
