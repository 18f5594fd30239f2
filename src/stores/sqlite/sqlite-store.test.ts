import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Libsql from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAccountStoreConformance } from '../../../test/stores/account-conformance.js';
import { runStoreConformance } from '../../../test/stores/conformance.js';
import { runPermissionStoreConformance } from '../../../test/stores/permission-conformance.js';
import { TesseraMigrationProvider } from '../migrations/index.js';
import type { OutstandingToken } from '../../model/store.js';
import { openSqliteStore } from './sqlite-store.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const workerScript = join(repoRoot, 'test/stores/fixtures/store-worker.mjs');
const DAY = 86_400_000;

let scratch: string;
let fileCounter = 0;

function freshDbPath(): string {
  fileCounter += 1;
  return join(scratch, `db-${fileCounter}.sqlite3`);
}

function token(userId: number | null = null): OutstandingToken {
  const now = Date.now();
  return {
    jti: randomBytes(16).toString('hex'),
    userId,
    familyId: randomBytes(16).toString('hex'),
    createdAt: new Date(now),
    expiresAt: new Date(now + DAY),
  };
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

interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
  exited: Promise<number | null>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, [workerScript, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`store worker failed (${code}):\n${stderr}\n`);
      resolve(code);
    });
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, exited };
}

async function nextLine(worker: Worker): Promise<string> {
  const { value, done } = await worker.lines.next();
  if (done === true) throw new Error(`worker ${worker.child.pid} ended early (exit ${await worker.exited})`);
  return value;
}

describe('SQLite store shared by several processes', () => {
  let compiledStoreUrl: string;
  let compiledDir: string;

  beforeAll(() => {
    // Children run the real store code: compile it (only the store and what it imports) into a
    // scratch directory inside the repository, so that `kysely` and `libsql` resolve.
    const artifacts = join(repoRoot, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    compiledDir = mkdtempSync(join(artifacts, 'sqlite-store-'));
    execFileSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/typescript/bin/tsc'),
        '--outDir',
        compiledDir,
        '--rootDir',
        join(repoRoot, 'src'),
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--target',
        'ES2022',
        '--skipLibCheck',
        '--noCheck',
        join(repoRoot, 'src/stores/sqlite/sqlite-store.ts'),
      ],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    compiledStoreUrl = pathToFileURL(join(compiledDir, 'stores/sqlite/sqlite-store.js')).href;
  });

  afterAll(() => {
    rmSync(compiledDir, { recursive: true, force: true });
  });

  it('migrates a fresh file from 4 processes at once and lets exactly one rotation per token win', async () => {
    const path = freshDbPath();
    const rounds = Array.from({ length: 25 }, () => ({ old: token(), nexts: [] as OutstandingToken[] }));
    const sharedBlacklist = Array.from({ length: 10 }, () => token());
    const plans = Array.from({ length: 4 }, () => ({
      rounds: rounds.map((round) => ({ old: round.old, nexts: Array.from({ length: 5 }, () => token()) })),
      blacklist: sharedBlacklist,
    }));

    const workers = plans.map((plan) => startWorker(['race', compiledStoreUrl, path, JSON.stringify(plan)]));
    for (const worker of workers) expect(await nextLine(worker)).toBe('ready');
    for (const worker of workers) worker.child.stdin.end('go\n');
    const results = [] as { wins: string[][]; blacklistWins: boolean[] }[];
    for (const worker of workers) results.push(JSON.parse(await nextLine(worker)) as { wins: string[][]; blacklistWins: boolean[] });
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0, 0, 0]);

    // Per old token: exactly one winning rotation across all processes, and only its successor
    // recorded.
    const winners = rounds.map((_, index) => results.flatMap((result) => result.wins[index] ?? []));
    for (const roundWinners of winners) expect(roundWinners).toHaveLength(1);
    for (let index = 0; index < sharedBlacklist.length; index += 1) {
      expect(results.filter((result) => result.blacklistWins[index] === true)).toHaveLength(1);
    }

    const store = await openSqliteStore(path);
    const recorded = new Set((await store.listTokens()).map((t) => t.jti));
    const expected = new Set([...rounds.map((r) => r.old.jti), ...winners.flat(), ...sharedBlacklist.map((t) => t.jti)]);
    expect(recorded).toEqual(expected);
    for (const round of rounds) expect(await store.isBlacklisted(round.old.jti)).toBe(true);
    await store.close();
    const migrations = withRawConnection(path, (db) => db.prepare('SELECT name FROM tessera_migration').all());
    // Every migration applied exactly once, whichever process applied it.
    const known = Object.keys(await new TesseraMigrationProvider('sqlite').getMigrations()).sort();
    expect(migrations).toEqual(known.map((name) => ({ name })));
  });

  it("waits for another process's write lock instead of failing (busy_timeout)", async () => {
    const path = freshDbPath();
    const store = await openSqliteStore(path);
    await store.migrate();
    const holder = startWorker(['hold-lock', '-', path, '1500']);
    expect(await nextLine(holder)).toBe('locked');
    const started = Date.now();
    expect(await store.blacklist(token(), new Date())).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await holder.exited).toBe(0);
    await store.close();
  });

  it('loses nothing committed when a writing process is SIGKILLed', async () => {
    const path = freshDbPath();
    const writer = startWorker(['stream', compiledStoreUrl, path]);
    expect(await nextLine(writer)).toBe('ready');
    const committed: string[] = [];
    while (committed.length < 300) {
      const line = await nextLine(writer);
      committed.push(line.replace(/^committed /, ''));
    }
    writer.child.kill('SIGKILL');
    expect(await writer.exited).toBeNull();

    const store = await openSqliteStore(path);
    for (const jti of committed) expect(await store.isBlacklisted(jti)).toBe(true);
    await store.close();
  });
});
