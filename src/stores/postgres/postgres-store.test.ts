import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAccountStoreConformance } from '../../../test/stores/account-conformance.js';
import { runStoreConformance } from '../../../test/stores/conformance.js';
import { runPermissionStoreConformance } from '../../../test/stores/permission-conformance.js';
import {
  compiledStore,
  nextLine,
  runMultiProcessSuite,
  startWorker,
  token,
  type SharedStoreKind,
} from '../../../test/stores/multi-process.js';
import { ConfigError } from '../../errors.js';
import { openStore } from '../open-store.js';
import { openPostgresStore, PostgresStore } from './postgres-store.js';

/** The server `npm test` starts when stopped; override to test against another. */
const DATABASE_URL = process.env['TESSERA_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Raw access for setup, inspection and cleanup, outside any store. */
const admin = new Pool({ connectionString: DATABASE_URL, max: 2, connectionTimeoutMillis: 5000 });
admin.on('error', () => undefined);

/** Every schema this file used; each test's store gets its own, so parallel test files never meet. */
const schemas: string[] = [];
const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;

/** A new schema name, not yet created (`migrate()` creates it). */
function freshSchema(): string {
  const name = `tessera_test_${runId}_${schemas.length + 1}`;
  schemas.push(name);
  return name;
}

async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await admin.query(text, values)).rows as T[];
}

beforeAll(async () => {
  try {
    await admin.query('select 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} (${reason}). ` +
        'These tests need a running server (`npm test` starts the local one); start it or set TESSERA_TEST_POSTGRES_URL.',
    );
  }
});

afterAll(async () => {
  try {
    for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await admin.end();
  }
});

runStoreConformance('PostgreSQL', () => openPostgresStore(DATABASE_URL, { schema: freshSchema() }));
runAccountStoreConformance('PostgreSQL', () => openPostgresStore(DATABASE_URL, { schema: freshSchema() }));
runPermissionStoreConformance('PostgreSQL', () => openPostgresStore(DATABASE_URL, { schema: freshSchema() }));

describe('openPostgresStore', () => {
  it('creates its schema on migrate and keeps every table in it', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(DATABASE_URL, { schema });
    expect(store.schema).toBe(schema);
    await store.migrate();
    await store.close();
    const tables = await rows<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1 order by table_name',
      [schema],
    );
    // Later migrations add tables of their own; these are the ones every store needs.
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'auth_user',
        'tessera_migration',
        'tessera_migration_lock',
        'tessera_token_family',
        'token_blacklist_blacklistedtoken',
        'token_blacklist_outstandingtoken',
      ]),
    );
  });

  it('keeps two schemas in one database apart', async () => {
    const first = await openPostgresStore(DATABASE_URL, { schema: freshSchema() });
    const second = await openPostgresStore(DATABASE_URL, { schema: freshSchema() });
    // Migrated one after the other: the second must not mistake the first's bookkeeping
    // tables for its own.
    await first.migrate();
    await second.migrate();
    await first.createUser({ username: 'alice', password: 'p' });
    expect(await second.findUser('username', 'alice')).toBeUndefined();
    await second.createUser({ username: 'alice', password: 'p' });
    await first.close();
    await second.close();
  });

  it('migrates into the schema a URL parameter selects, when no schema option is given', async () => {
    const schema = freshSchema();
    await admin.query(`create schema "${schema}"`);
    const url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const store = await openPostgresStore(url);
    expect(store.schema).toBeUndefined();
    await store.migrate();
    await store.createUser({ username: 'bob', password: 'p' });
    await store.close();
    expect(await rows(`select username from "${schema}".auth_user`)).toEqual([{ username: 'bob' }]);
  });

  it('refuses a schema name that would need quoting', async () => {
    for (const schema of ['', 'a b', 'x"; drop table y; --', '1abc', 'a'.repeat(64)]) {
      await expect(openPostgresStore(DATABASE_URL, { schema })).rejects.toThrow(RangeError);
    }
  });

  it('fails at open, not at first use, when the server cannot be reached', async () => {
    await expect(openPostgresStore('postgres://postgres@127.0.0.1:1/test')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('lets concurrent migrate() calls of one process through one at a time', async () => {
    const store = await openPostgresStore(DATABASE_URL, { schema: freshSchema() });
    await Promise.all(Array.from({ length: 12 }, () => store.migrate()));
    expect(await store.listUsers()).toEqual([]);
    await store.close();
  });
});

describe('openStore with a PostgreSQL URL', () => {
  it('opens the PostgreSQL store for postgres:// and postgresql://', async () => {
    for (const url of [DATABASE_URL, DATABASE_URL.replace(/^postgres(ql)?:/, 'postgresql:')]) {
      const store = await openStore(url);
      expect(store).toBeInstanceOf(PostgresStore);
      await store.close();
    }
  });

  it('reports an unreachable server as a ConfigError without the password', async () => {
    const error = await openStore('postgres://tessera:s3cret-Pa55@127.0.0.1:1/test').then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/PostgreSQL/);
    expect(String((error as Error).message)).not.toContain('s3cret-Pa55');
  });
});

describe('PostgreSQL schema', () => {
  it('uses native types: timestamptz, boolean, identity keys', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(DATABASE_URL, { schema });
    await store.migrate();
    await store.close();
    const columns = await rows<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
      `select table_name, column_name, data_type, is_identity from information_schema.columns
       where table_schema = $1 and table_name in ('auth_user', 'token_blacklist_outstandingtoken', 'token_blacklist_blacklistedtoken')`,
      [schema],
    );
    const type = (table: string, column: string): string | undefined =>
      columns.find((c) => c.table_name === table && c.column_name === column)?.data_type;
    expect(type('auth_user', 'id')).toBe('integer');
    expect(type('auth_user', 'date_joined')).toBe('timestamp with time zone');
    expect(type('auth_user', 'last_login')).toBe('timestamp with time zone');
    expect(type('auth_user', 'is_active')).toBe('boolean');
    expect(type('token_blacklist_outstandingtoken', 'id')).toBe('bigint');
    expect(type('token_blacklist_outstandingtoken', 'expires_at')).toBe('timestamp with time zone');
    expect(type('token_blacklist_blacklistedtoken', 'token_id')).toBe('bigint');
    expect(
      columns
        .filter((c) => c.is_identity === 'YES')
        .map((c) => `${c.table_name}.${c.column_name}`)
        .sort(),
    ).toEqual(['auth_user.id', 'token_blacklist_blacklistedtoken.id', 'token_blacklist_outstandingtoken.id']);
    const indexes = await rows<{ indexname: string; indexdef: string }>(
      'select indexname, indexdef from pg_indexes where schemaname = $1',
      [schema],
    );
    const definition = (name: string): string | undefined => indexes.find((i) => i.indexname === name)?.indexdef;
    expect(definition('auth_user_username_uniq')).toMatch(/UNIQUE INDEX .* \(username\)$/);
    expect(definition('auth_user_email_ci_uniq')).toMatch(
      /UNIQUE INDEX .* \(lower\(\(email\)::text\)\) WHERE \(\(email\)::text <> ''::text\)$/,
    );
    expect(definition('token_blacklist_outstandingtoken_expires_at_idx')).toBeDefined();
    expect(definition('token_blacklist_outstandingtoken_family_id_idx')).toBeDefined();
  });

  it('stores instants in timestamptz and booleans natively', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(DATABASE_URL, { schema });
    await store.migrate();
    await store.createUser({ username: 'u', password: 'p', dateJoined: new Date('2024-01-02T03:04:05.678Z'), isStaff: true });
    await store.blacklist({ ...token(), expiresAt: new Date('2030-05-06T07:08:09Z') }, new Date());
    await store.close();
    expect(
      await rows(
        `select to_char(date_joined at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as joined, is_staff, is_active from "${schema}".auth_user`,
      ),
    ).toEqual([{ joined: '2024-01-02 03:04:05.678', is_staff: true, is_active: true }]);
    const [expiry] = await rows<{ expires_at: Date }>(`select expires_at from "${schema}".token_blacklist_outstandingtoken`);
    expect(expiry?.expires_at.toISOString()).toBe('2030-05-06T07:08:09.000Z');
  });

  it('reads rows another client wrote in another time zone', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(DATABASE_URL, { schema });
    await store.migrate();
    const client = await admin.connect();
    try {
      await client.query("set time zone 'Asia/Tokyo'");
      await client.query(
        `insert into "${schema}".token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at)
         values ('9bfc477b8bcf4a34b77386ca18ca5890', null, '2026-11-23 18:33:18.882252', '2026-11-24 18:33:18')`,
      );
    } finally {
      client.release();
    }
    expect(await store.listTokens()).toEqual([
      {
        jti: '9bfc477b8bcf4a34b77386ca18ca5890',
        userId: null,
        familyId: null,
        createdAt: new Date('2026-11-23T09:33:18.882Z'),
        expiresAt: new Date('2026-11-24T09:33:18Z'),
        blacklistedAt: null,
      },
    ]);
    expect(await store.flushExpired(new Date('2026-11-24T09:33:17.999Z'))).toBe(0);
    expect(await store.flushExpired(new Date('2026-11-24T09:33:18.000Z'))).toBe(1);
    await store.close();
  });

  it('rolls back a failed write transaction completely', async () => {
    const store = await openPostgresStore(DATABASE_URL, { schema: freshSchema() });
    await store.migrate();
    const old = token();
    // An invalid expiry makes recording `next` fail after `old` was blacklisted in the same
    // transaction: nothing of it may remain.
    const next = { ...token(), expiresAt: new Date(Number.NaN) };
    await expect(store.rotate(old, next, new Date())).rejects.toThrow();
    expect(await store.isBlacklisted(old.jti)).toBe(false);
    expect(await store.listTokens()).toEqual([]);
    expect(await store.rotate(old, token(), new Date())).toBe(true);
    await store.close();
  });

  it('recognises the unique constraint Django gives auth_user.username', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(DATABASE_URL, { schema });
    await store.migrate();
    await admin.query(`drop index "${schema}".auth_user_username_uniq`);
    await admin.query(`alter table "${schema}".auth_user add constraint auth_user_username_key unique (username)`);
    await store.createUser({ username: 'alice', password: 'p' });
    await expect(store.createUser({ username: 'alice', password: 'p' })).rejects.toMatchObject({
      name: 'UniqueViolationError',
      field: 'username',
    });
    await store.close();
  });
});

// ---- several OS processes on one database ----

/** PostgreSQL schemas of the test database, for the multi-process suite and the lock test. */
const postgresSchema: SharedStoreKind = {
  module: 'stores/postgres/postgres-store',
  dialect: 'postgres',
  fresh: () => {
    const schema = freshSchema();
    return {
      target: { url: DATABASE_URL, schema },
      open: () => openPostgresStore(DATABASE_URL, { schema }),
      appliedMigrations: async () =>
        (await rows<{ name: string }>(`select name from "${schema}".tessera_migration order by name`)).map((row) => row.name),
    };
  },
};

runMultiProcessSuite('PostgreSQL', postgresSchema);

describe('PostgreSQL store beside another process', () => {
  const compiled = compiledStore(postgresSchema.module);

  it('waits for a migration lock held by another process, and moves on once that process is killed', async () => {
    const database = postgresSchema.fresh();
    const { schema } = database.target as { schema: string };
    const holder = startWorker('hold-migration-lock', compiled.url, database);
    expect(await nextLine(holder)).toBe('locked');
    const store = await database.open();
    let migrated = false;
    const migration = store.migrate().then(() => {
      migrated = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(migrated).toBe(false);
    expect(await rows('select 1 from pg_namespace where nspname = $1', [schema])).toEqual([]);

    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBeNull();
    await migration;
    expect(migrated).toBe(true);
    expect(await store.listUsers()).toEqual([]);
    await store.close();
  });
});
