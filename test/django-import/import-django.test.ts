/**
 * `tessera import-django` end to end, on an SQLite and a PostgreSQL target: the fixtures were made
 * by real Django (./make-fixtures.sh), the import is the real CLI, and every check after it goes
 * over real HTTP to the real `tessera serve`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import type { CliServerProcess } from '../support/cli-server.js';
import { dropTestSchemas, freshPostgresUrl, POSTGRES_URL, requirePostgres } from '../support/postgres.js';
import { startTestRedis } from '../support/redis-server.js';
import {
  FIXTURE_SECRET,
  FIXTURES,
  get,
  importDjango,
  importJson,
  manifest,
  post,
  serve,
  snapshot,
  withDatabase,
  type FixtureUser,
  type JsonReport,
} from './support.js';

const STANDARD = manifest('django.json');
const EMAIL = manifest('django-email.json');
const WEAK = new Set(['md5', 'sha1', 'unsalted_md5', 'unsalted_sha1']);
const NEVER_LOG_IN = new Set(['crypt', 'unusable']);
const ALL = ['--with-groups', '--with-blacklist'];
const folder = mkdtempSync(join(tmpdir(), 'tessera-django-import-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function expectCounts(report: JsonReport, created: Partial<Record<keyof JsonReport['counts'], number>>): void {
  for (const [kind, count] of Object.entries(report.counts)) {
    expect(count.created, `${kind} created`).toBe(created[kind as keyof JsonReport['counts']] ?? 0);
  }
}

function expectNothingChanged(report: JsonReport): void {
  for (const [kind, count] of Object.entries(report.counts)) {
    expect({ kind, created: count.created, updated: count.updated }).toEqual({ kind, created: 0, updated: 0 });
  }
}

async function storedPassword(databaseUrl: string, id: number): Promise<string> {
  return withDatabase(
    databaseUrl,
    async (db) => (await db.selectFrom('auth_user').select('password').where('id', '=', id).executeTakeFirstOrThrow()).password,
  );
}

async function login(
  server: CliServerProcess,
  field: string,
  user: FixtureUser,
  password = user.password ?? 'any-password',
): Promise<number> {
  return (await post(server.baseUrl, '/api/token/', { [field]: user.login, password })).status;
}

/** A Django dump with one field of one object replaced: the malformed input. */
function corruptedDump(model: string, pk: number, field: string, value: unknown): { path: string; objectNumber: number } {
  const objects = JSON.parse(readFileSync(join(FIXTURES, 'django-dump.json'), 'utf8')) as {
    model: string;
    pk: number;
    fields: Record<string, unknown>;
  }[];
  const index = objects.findIndex((object) => object.model === model && object.pk === pk);
  const target = objects[index];
  if (target === undefined) throw new Error(`no ${model} ${pk} in the dump`);
  target.fields[field] = value;
  const path = join(folder, `corrupted-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(path, JSON.stringify(objects));
  return { path, objectNumber: index + 1 };
}

/** The Django dump with some users' fields changed, as Django would have them after edits. */
function editedDump(edits: readonly { pk: number; fields: Record<string, unknown> }[]): string {
  const objects = JSON.parse(readFileSync(join(FIXTURES, 'django-dump.json'), 'utf8')) as {
    model: string;
    pk: number;
    fields: Record<string, unknown>;
  }[];
  for (const edit of edits) {
    const target = objects.find((object) => object.model === 'auth.user' && object.pk === edit.pk);
    if (target === undefined) throw new Error(`no user ${edit.pk} in the dump`);
    Object.assign(target.fields, edit.fields);
  }
  const path = join(folder, `edited-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(path, JSON.stringify(objects));
  return path;
}

/** The status of GET /protected/ with `access` once it is 401, or the last one after two seconds (a Redis message takes a moment). */
async function statusSettled(server: CliServerProcess, access: string): Promise<number> {
  let status = 0;
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((wake) => setTimeout(wake, 20))) {
    status = (await get(server.baseUrl, '/protected/', access)).status;
    if (status === 401) break;
  }
  return status;
}

/** Django's encoding of a password kyoko never had: what Django stores after she changes hers there. */
const KYOKO_NEW_PASSWORD = 'pbkdf2_sha256$260000$c2FsdHNhbHRzYWx0$KVXJrjnGzG8Pa+oDohL7rivv78wjXY8L22pPn7V3Qig=';

function targetSuite(name: string, freshUrl: () => string): void {
  describe(`import into ${name}`, () => {
    const databaseUrl = freshUrl();
    // All the fixture users log in at once, from one address: let them all queue for a hash.
    const serverEnv = { TESSERA_SECRET_KEY: FIXTURE_SECRET, TESSERA_DATABASE_URL: databaseUrl, TESSERA_HASH_QUEUE_PER_CLIENT: '32' };

    it('imports every user of a real Django database, with its groups and the blacklisted token ids', async () => {
      const report = await importJson(databaseUrl, ['--from', join(FIXTURES, 'django.sqlite3'), ...ALL]);
      expectCounts(report, { users: 16, groups: 2, permissions: 32, links: 7, tokens: 2, blacklisted: 1 });
      expect(report.notes.join('\n')).toMatch(/4 user\(s\) have a weak Django hash/);
      await withDatabase(databaseUrl, async (db) => {
        const users = await db.selectFrom('auth_user').select(['id', 'username', 'password']).orderBy('id').execute();
        expect(users).toEqual(STANDARD.users.map((user) => ({ id: user.id, username: user.login, password: user.encoded })));
        const memberships = await db
          .selectFrom('auth_user_groups as ug')
          .innerJoin('auth_group as g', 'g.id', 'ug.group_id')
          .innerJoin('auth_user as u', 'u.id', 'ug.user_id')
          .select(['u.username', 'g.name'])
          .orderBy('g.name')
          .execute();
        expect(memberships).toEqual([
          { username: 'ada', name: 'editors' },
          { username: 'ada', name: 'readers' },
          { username: 'blaise', name: 'readers' },
        ]);
        for (const [group, permissions] of Object.entries(STANDARD.groups)) {
          const rows = await db
            .selectFrom('auth_group_permissions as gp')
            .innerJoin('auth_group as g', 'g.id', 'gp.group_id')
            .innerJoin('auth_permission as p', 'p.id', 'gp.permission_id')
            .innerJoin('django_content_type as c', 'c.id', 'p.content_type_id')
            .select(['c.app_label', 'p.codename'])
            .where('g.name', '=', group)
            .execute();
          expect(rows.map((row) => `${row.app_label}.${row.codename}`).sort()).toEqual(permissions);
        }
      });
      // Only jtis cross over: the raw refresh tokens Django stored are nowhere in Tessera.
      const everything = await snapshot(databaseUrl);
      expect(everything).not.toContain(STANDARD.tokens.refresh);
      expect(everything).not.toContain(STANDARD.tokens.blacklisted_refresh);
    });

    it('a second import changes nothing', async () => {
      const before = await snapshot(databaseUrl);
      expectNothingChanged(await importJson(databaseUrl, ['--from', join(FIXTURES, 'django.sqlite3'), ...ALL]));
      expect(await snapshot(databaseUrl)).toBe(before);
    });

    it('each user logs in with the original password and is then stored as argon2id; the rest are refused', async () => {
      const server = await serve(serverEnv);
      try {
        const users = STANDARD.users;
        const statuses = await Promise.all(users.map((user) => login(server, 'username', user)));
        for (const [index, user] of users.entries()) {
          const expected = user.is_active && !WEAK.has(user.format) && !NEVER_LOG_IN.has(user.format) ? 200 : 401;
          expect({ user: user.login, format: user.format, status: statuses[index] }).toEqual({
            user: user.login,
            format: user.format,
            status: expected,
          });
          const stored = await storedPassword(databaseUrl, user.id);
          if (expected === 200) expect(stored, user.login).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
          if (WEAK.has(user.format) || NEVER_LOG_IN.has(user.format)) expect(stored, user.login).toBe(user.encoded);
        }
        // Upgraded users log in again, now against their argon2id hash; a wrong password still fails.
        const ada = users.find((user) => user.login === 'ada');
        if (ada === undefined) throw new Error('no ada');
        expect(await login(server, 'username', ada)).toBe(200);
        expect(await login(server, 'username', ada, 'not-her-password')).toBe(401);
      } finally {
        await server.stop();
      }
    });

    it('weak Django hashes log in (and are upgraded) only with ALLOW_WEAK_DJANGO_HASHES', async () => {
      const server = await serve({ ...serverEnv, TESSERA_ALLOW_WEAK_DJANGO_HASHES: 'true' });
      try {
        for (const user of STANDARD.users.filter((candidate) => WEAK.has(candidate.format))) {
          expect(await login(server, 'username', user), user.login).toBe(200);
          expect(await storedPassword(databaseUrl, user.id), user.login).toMatch(/^\$argon2id\$/);
        }
        const margaret = STANDARD.users.find((user) => user.format === 'unusable');
        if (margaret === undefined) throw new Error('no unusable user');
        for (const guess of ['any-password', margaret.encoded, margaret.encoded.slice(1)])
          expect(await login(server, 'username', margaret, guess)).toBe(401);
      } finally {
        await server.stop();
      }
    });

    it('tokens the Django server issued keep working, and the one Django blacklisted is refused', async () => {
      const server = await serve(serverEnv);
      try {
        expect(await get(server.baseUrl, '/protected/', STANDARD.tokens.access)).toEqual({
          status: 200,
          body: { content: 'This view is protected' },
        });
        const refreshed = await post(server.baseUrl, '/api/token/refresh/', { refresh: STANDARD.tokens.refresh });
        expect(refreshed.status).toBe(200);
        expect((await get(server.baseUrl, '/hello/', String(refreshed.body.access))).status).toBe(200);
        expect(await post(server.baseUrl, '/api/token/refresh/', { refresh: STANDARD.tokens.blacklisted_refresh })).toEqual({
          status: 401,
          body: { detail: 'Token is blacklisted', code: 'token_not_valid' },
        });
      } finally {
        await server.stop();
      }
    });

    it('an imported refresh token joins a family at its first rotation, and its replay revokes that family', async () => {
      const server = await serve({ ...serverEnv, TESSERA_ROTATE_REFRESH_TOKENS: 'true', TESSERA_BLACKLIST_AFTER_ROTATION: 'true' });
      try {
        const rotated = await post(server.baseUrl, '/api/token/refresh/', { refresh: STANDARD.tokens.refresh });
        expect(rotated.status).toBe(200);
        const next = String(rotated.body.refresh);
        const nextJti = JSON.parse(Buffer.from(next.split('.')[1] ?? '', 'base64url').toString()) as { jti: string };
        const family = await withDatabase(databaseUrl, async (db) =>
          db
            .selectFrom('token_blacklist_outstandingtoken as o')
            .innerJoin('tessera_token_family as f', 'f.id', 'o.family_id')
            .select(['f.id', 'f.user_id'])
            .where('o.jti', '=', nextJti.jti)
            .executeTakeFirst(),
        );
        expect(family?.user_id).toBe(STANDARD.tokens.user_id);
        // The Django token, now spent, comes back: theft. Its family (the successor) dies with it.
        expect((await post(server.baseUrl, '/api/token/refresh/', { refresh: STANDARD.tokens.refresh })).status).toBe(401);
        expect((await post(server.baseUrl, '/api/token/refresh/', { refresh: next })).status).toBe(401);
      } finally {
        await server.stop();
      }
    });

    it('after logins and rotations, importing again still changes nothing', async () => {
      const before = await snapshot(databaseUrl);
      expectNothingChanged(await importJson(databaseUrl, ['--from', join(FIXTURES, 'django-dump.json'), ...ALL]));
      expect(await snapshot(databaseUrl)).toBe(before);
    });

    it('a malformed dump stops with the row named, and leaves the database untouched', async () => {
      const before = await snapshot(databaseUrl);
      const { path, objectNumber } = corruptedDump('auth.user', 7, 'date_joined', 'yesterday');
      const result = await importDjango(databaseUrl, ['--from', path, ...ALL]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`object #${objectNumber} (auth.user pk=7): date_joined: expected a datetime, got "yesterday"`);
      expect(result.stderr).toContain('Nothing was imported.');
      expect(await snapshot(databaseUrl)).toBe(before);
    });

    it('a row that fails halfway through writing rolls back every row before it', async () => {
      // Tessera already has Django's first fifteen users (without their emails), which the import
      // updates, then someone else under id 16, where Django has olga: a different person.
      const url = freshUrl();
      const store = await openStore(url);
      await store.migrate();
      for (const user of STANDARD.users.slice(0, 15)) await store.createUser({ username: user.login, password: '!' });
      await store.createUser({ username: 'someone-else', password: '!' });
      await store.close();
      const before = await snapshot(url);
      const result = await importDjango(url, ['--from', join(FIXTURES, 'django.sqlite3'), ...ALL]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('auth_user id=16: Tessera user id 16 is "someone-else", not "olga"');
      expect(await snapshot(url)).toBe(before);
    });

    it('a re-import that changes a password, deactivates or promotes a user cuts their tokens off at once on a running server (Redis)', async () => {
      const url = freshUrl();
      await importJson(url, ['--from', join(FIXTURES, 'django-dump.json'), ...ALL]);
      // A long cache TTL: only the cut-off, announced on Redis, can refuse a cached user's token at once.
      const ownRedis = await startTestRedis();
      const redis = { TESSERA_REDIS_URL: ownRedis.url };
      const server = await serve({ ...serverEnv, ...redis, TESSERA_DATABASE_URL: url, TESSERA_USER_CACHE_TTL: '300' });
      try {
        const [ada, blaise, grace, niklaus] = ['ada', 'blaise', 'grace', 'niklaus'].map((login) => {
          const user = STANDARD.users.find((candidate) => candidate.login === login);
          if (user === undefined) throw new Error(`no ${login}`);
          return user;
        }) as [FixtureUser, FixtureUser, FixtureUser, FixtureUser];
        const tokens = new Map<string, string>([['kyoko', STANDARD.tokens.access]]);
        for (const user of [ada, blaise, grace, niklaus]) {
          const reply = await post(server.baseUrl, '/api/token/', { username: user.login, password: user.password });
          expect(reply.status, user.login).toBe(200);
          tokens.set(user.login, String(reply.body.access));
        }
        for (const [login, access] of tokens) expect((await get(server.baseUrl, '/protected/', access)).status, login).toBe(200);

        // Meanwhile in Django: kyoko changed her password, ada was deactivated, blaise made staff,
        // grace added to the readers group; niklaus only changed his name (no cut-off).
        const dump = editedDump([
          { pk: 1, fields: { password: KYOKO_NEW_PASSWORD } },
          { pk: ada.id, fields: { is_active: false } },
          { pk: blaise.id, fields: { is_staff: true } },
          { pk: grace.id, fields: { groups: [2] } },
          { pk: niklaus.id, fields: { first_name: 'Niklaus' } },
        ]);
        const result = await importDjango(url, ['--from', dump, ...ALL], redis);
        expect(result.code, result.stderr).toBe(0);
        for (const login of ['kyoko', 'ada', 'blaise', 'grace'])
          expect(await statusSettled(server, tokens.get(login) ?? ''), login).toBe(401);
        expect((await get(server.baseUrl, '/protected/', tokens.get('niklaus') ?? '')).status).toBe(200);
        expect(result.stdout).toContain('cut off:      4 users, tokens issued before are refused');
        const audited = await withDatabase(
          url,
          async (db) =>
            (
              await sql<{
                target: string;
                detail: string;
              }>`select target, detail from tessera_admin_audit where action = 'user.import_django' order by target`.execute(db)
            ).rows,
        );
        expect(audited.map((row) => `${row.target}: ${row.detail}`)).toEqual([
          'ada: changed by tessera import-django: is_active; tokens issued before cut off',
          'blaise: changed by tessera import-django: is_staff; tokens issued before cut off',
          'grace: changed by tessera import-django: groups; tokens issued before cut off',
          'kyoko: changed by tessera import-django: password; tokens issued before cut off',
        ]);

        // With REVOKE_ON_PRIVILEGE_CHANGE off, staff and group changes cut nobody off: fresh tokens keep working.
        const fresh = new Map<string, string>();
        for (const user of [blaise, grace]) {
          const reply = await post(server.baseUrl, '/api/token/', { username: user.login, password: user.password });
          expect(reply.status, user.login).toBe(200);
          fresh.set(user.login, String(reply.body.access));
        }
        const demoted = editedDump([
          { pk: 1, fields: { password: KYOKO_NEW_PASSWORD } },
          { pk: ada.id, fields: { is_active: false } },
          { pk: grace.id, fields: { groups: [1, 2] } },
          { pk: niklaus.id, fields: { first_name: 'Niklaus' } },
        ]);
        const report = await importJson(url, ['--from', demoted, ...ALL], { ...redis, TESSERA_REVOKE_ON_PRIVILEGE_CHANGE: 'false' });
        expect({ users: report.counts.users.updated, links: report.counts.links.created }).toEqual({ users: 1, links: 1 });
        expect(report.cutOff).toEqual([]);
        for (const [login, access] of fresh) expect((await get(server.baseUrl, '/protected/', access)).status, login).toBe(200);
      } finally {
        await server.stop();
        await ownRedis.stop();
      }
    });

    it('--dry-run counts what it would do and writes nothing', async () => {
      const url = freshUrl();
      const store = await openStore(url);
      await store.migrate();
      await store.close();
      const before = await snapshot(url);
      const report = await importJson(url, ['--from', join(FIXTURES, 'django-dump.json'), ...ALL, '--dry-run']);
      expectCounts(report, { users: 16, groups: 2, permissions: 32, links: 7, tokens: 2, blacklisted: 1 });
      expect(await snapshot(url)).toBe(before);
    });
  });
}

describe('SQLite target', () => {
  targetSuite('SQLite', () => `sqlite:${join(folder, `${randomBytes(4).toString('hex')}.sqlite3`)}`);
});

describe('PostgreSQL target', () => {
  beforeAll(requirePostgres);
  afterAll(dropTestSchemas);
  targetSuite('PostgreSQL', freshPostgresUrl);
});

describe('the custom user model of the tutorials (log in by email)', () => {
  for (const [source, url] of [
    ['its dumpdata JSON into SQLite', () => `sqlite:${join(folder, `${randomBytes(4).toString('hex')}.sqlite3`)}`],
    ['its SQLite database into PostgreSQL', freshPostgresUrl],
  ] as const) {
    it(`imports ${source}; users log in with {email, password}; its tokens work`, async () => {
      const databaseUrl = url();
      const from = source.startsWith('its dumpdata') ? 'django-email-dump.json' : 'django-email.sqlite3';
      const report = await importJson(databaseUrl, [
        '--from',
        join(FIXTURES, from),
        '--user-model',
        'users.CustomUser',
        '--map',
        'name=first_name',
        ...ALL,
      ]);
      expectCounts(report, { users: 6, groups: 2, permissions: 32, links: 7, tokens: 2, blacklisted: 1 });
      expect(report.notes.join('\n')).toContain('TESSERA_USERNAME_FIELD=email');
      const server = await serve({
        TESSERA_SECRET_KEY: FIXTURE_SECRET,
        TESSERA_DATABASE_URL: databaseUrl,
        TESSERA_USERNAME_FIELD: 'email',
      });
      try {
        for (const user of EMAIL.users) {
          const expected = user.format === 'unusable' ? 401 : 200;
          expect(await login(server, 'email', user), user.login).toBe(expected);
          if (expected === 200) expect(await storedPassword(databaseUrl, user.id)).toMatch(/^\$argon2id\$/);
        }
        const ada = await withDatabase(databaseUrl, (db) =>
          db.selectFrom('auth_user').selectAll().where('email', '=', 'ada@example.com').executeTakeFirstOrThrow(),
        );
        expect({ username: ada.username, first_name: ada.first_name }).toEqual({ username: 'ada@example.com', first_name: 'Ada Lovelace' });
        expect((await get(server.baseUrl, '/protected/', EMAIL.tokens.access)).status).toBe(200);
        expect((await post(server.baseUrl, '/api/token/refresh/', { refresh: EMAIL.tokens.blacklisted_refresh })).status).toBe(401);
      } finally {
        await server.stop();
      }
      expectNothingChanged(
        await importJson(databaseUrl, [
          '--from',
          join(FIXTURES, from),
          '--user-model',
          'users.CustomUser',
          '--map',
          'name=first_name',
          ...ALL,
        ]),
      );
    });
  }
});

describe('a Django database on PostgreSQL as the source', () => {
  const schema = `django_source_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  beforeAll(async () => {
    await requirePostgres();
    await admin.connect();
    // The pg_dump Django's own migrate + the fixture users made (make-fixtures.sh), in a fresh schema.
    await admin.query(readFileSync(join(FIXTURES, 'django-postgres.sql'), 'utf8').replaceAll('django_fixture', schema));
  });
  afterAll(async () => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  it('imports it (postgres://...?schema=) and its users and tokens work', async () => {
    const databaseUrl = `sqlite:${join(folder, `${randomBytes(4).toString('hex')}.sqlite3`)}`;
    const source = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
    const fixture = manifest('django-postgres.json');
    const report = await importJson(databaseUrl, ['--from', source, ...ALL]);
    expectCounts(report, { users: 16, groups: 2, permissions: 32, links: 7, tokens: 2, blacklisted: 1 });
    const server = await serve({ TESSERA_SECRET_KEY: FIXTURE_SECRET, TESSERA_DATABASE_URL: databaseUrl });
    try {
      for (const user of fixture.users.filter((candidate) => ['bcrypt_sha256', 'scrypt', 'argon2'].includes(candidate.format))) {
        expect(await login(server, 'username', user), user.login).toBe(200);
      }
      expect((await get(server.baseUrl, '/protected/', fixture.tokens.access)).status).toBe(200);
      expect((await post(server.baseUrl, '/api/token/refresh/', { refresh: fixture.tokens.blacklisted_refresh })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe('import-django reports and refuses', () => {
  it('skips expired tokens, saying why', async () => {
    const { path } = corruptedDump('token_blacklist.outstandingtoken', 1, 'expires_at', '2020-01-01T00:00:00Z');
    const report = await importJson(`sqlite:${join(folder, `${randomBytes(4).toString('hex')}.sqlite3`)}`, [
      '--from',
      path,
      ...ALL,
      '--dry-run',
    ]);
    expect(report.counts.tokens.created).toBe(1);
    expect(report.skipped).toEqual([{ what: '1 token', reason: 'expired: nothing to carry over' }]);
  });

  it('refuses a --map to a field users do not have, before touching anything', async () => {
    const result = await importDjango(`sqlite:${join(folder, 'never-created.sqlite3')}`, [
      '--from',
      join(FIXTURES, 'django.sqlite3'),
      '--map',
      'name=nickname',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('nickname is not a user field');
    expect(existsSync(join(folder, 'never-created.sqlite3'))).toBe(false);
  });
});
