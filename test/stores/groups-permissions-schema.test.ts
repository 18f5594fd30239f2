/**
 * Migration 0005: Django's groups and permissions tables, with Django's names, on SQLite and
 * PostgreSQL, and the database-level cascades Tessera relies on when it deletes a user.
 * The expected names are those `manage.py migrate` of Django 3.2 creates (the committed Django
 * fixture database, test/django-import/fixtures/django.sqlite3, holds the same).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/stores/postgres/postgres-store.js';
import type { Database } from '../../src/stores/schema.js';
import { openSqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { KyselyStore } from '../../src/stores/kysely-store.js';
import { openStore } from '../../src/stores/open-store.js';
import { dropTestSchemas, freshPostgresUrl, POSTGRES_URL, requirePostgres } from '../support/postgres.js';

/** Django 3.2's columns for each table of `django.contrib.auth` / `contenttypes`. */
const DJANGO_GROUP_TABLE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  django_content_type: ['app_label', 'id', 'model'],
  auth_permission: ['codename', 'content_type_id', 'id', 'name'],
  auth_group: ['id', 'name'],
  auth_group_permissions: ['group_id', 'id', 'permission_id'],
  auth_user_groups: ['group_id', 'id', 'user_id'],
  auth_user_user_permissions: ['id', 'permission_id', 'user_id'],
};

const DJANGO_INDEXES = [
  'django_content_type_app_label_model_76bd3d3b_uniq',
  'auth_permission_content_type_id_codename_01ab375a_uniq',
  'auth_permission_content_type_id_2f476e4b',
  'auth_group_permissions_group_id_permission_id_0cd325b0_uniq',
  'auth_group_permissions_group_id_b120cbf9',
  'auth_group_permissions_permission_id_84c5c92e',
  'auth_user_groups_user_id_group_id_94350c0c_uniq',
  'auth_user_groups_user_id_6a12ed8b',
  'auth_user_groups_group_id_97559544',
  'auth_user_user_permissions_user_id_permission_id_14a6b632_uniq',
  'auth_user_user_permissions_user_id_a95ead1b',
  'auth_user_user_permissions_permission_id_1fbb5f2c',
];

/** The store's Kysely handle, for inspection only. */
function dbOf(store: KyselyStore): Kysely<Database> {
  return (store as unknown as { db: Kysely<Database> }).db;
}

async function fillOneOfEach(db: Kysely<Database>, userId: number): Promise<void> {
  const ct = await db
    .insertInto('django_content_type')
    .values({ app_label: 'blog', model: 'post' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const perm = await db
    .insertInto('auth_permission')
    .values({ name: 'Can add post', content_type_id: ct.id, codename: 'add_post' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const group = await db.insertInto('auth_group').values({ name: 'editors' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('auth_group_permissions').values({ group_id: group.id, permission_id: perm.id }).execute();
  await db.insertInto('auth_user_groups').values({ user_id: userId, group_id: group.id }).execute();
  await db.insertInto('auth_user_user_permissions').values({ user_id: userId, permission_id: perm.id }).execute();
}

async function count(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function behaviour(name: string, open: () => Promise<KyselyStore>): void {
  describe(`migration 0005 on ${name}`, () => {
    it('refuses a duplicate pair, and deleting a user removes its links (not its groups)', async () => {
      const store = await open();
      await store.migrate();
      const db = dbOf(store);
      const user = await store.createUser({ username: 'alice', password: '!' });
      await fillOneOfEach(db, user.id);
      const group = await db.selectFrom('auth_group').select('id').executeTakeFirstOrThrow();
      await expect(db.insertInto('auth_user_groups').values({ user_id: user.id, group_id: group.id }).execute()).rejects.toThrow();
      await expect(db.insertInto('auth_group').values({ name: 'editors' }).execute()).rejects.toThrow();
      expect(await store.deleteUser(user.id)).toBe(true);
      expect(await count(db, 'auth_user_groups')).toBe(0);
      expect(await count(db, 'auth_user_user_permissions')).toBe(0);
      expect(await count(db, 'auth_group')).toBe(1);
      expect(await count(db, 'auth_group_permissions')).toBe(1);
      await db.deleteFrom('django_content_type').execute();
      expect(await count(db, 'auth_permission')).toBe(0);
      expect(await count(db, 'auth_group_permissions')).toBe(0);
      await store.close();
    });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'tessera-0005-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('SQLite', () => {
  it("has Django's tables, columns and index names", async () => {
    const store = await openSqliteStore(join(folder, 'names.sqlite3'));
    await store.migrate();
    const db = dbOf(store);
    for (const [table, columns] of Object.entries(DJANGO_GROUP_TABLE_COLUMNS)) {
      const info = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
      expect(info.rows.map((row) => row.name).sort(), table).toEqual(columns);
    }
    const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db);
    expect(indexes.rows.map((row) => row.name)).toEqual(expect.arrayContaining(DJANGO_INDEXES));
    await store.close();
  });
});
behaviour('SQLite', () => openSqliteStore(join(folder, `${randomBytes(4).toString('hex')}.sqlite3`)));

describe('PostgreSQL', () => {
  beforeAll(requirePostgres);
  afterAll(dropTestSchemas);
  it("has Django's tables, columns and index names", async () => {
    const schema = `tessera_0005_${process.pid}_${randomBytes(3).toString('hex')}`;
    const store = await openPostgresStore(POSTGRES_URL, { schema });
    try {
      await store.migrate();
      const db = dbOf(store);
      for (const [table, columns] of Object.entries(DJANGO_GROUP_TABLE_COLUMNS)) {
        const info = await sql<{
          name: string;
        }>`select column_name as name from information_schema.columns where table_schema = ${schema} and table_name = ${table}`.execute(db);
        expect(info.rows.map((row) => row.name).sort(), table).toEqual(columns);
      }
      const indexes = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${schema}`.execute(db);
      expect(indexes.rows.map((row) => row.name)).toEqual(expect.arrayContaining(DJANGO_INDEXES));
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(dbOf(store));
      await store.close();
    }
  });
});
behaviour('PostgreSQL', async () => (await openStore(freshPostgresUrl())) as KyselyStore);
