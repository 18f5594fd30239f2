/**
 * The behaviour every `Store` must have, as one vitest suite. Each implementation's test file
 * calls `runStoreConformance` (SQLite now, PostgreSQL next), so the stores cannot drift apart.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UniqueViolationError, type OutstandingToken, type Store } from '../../src/model/store.js';
import type { NewUser, UserLookupField } from '../../src/model/user.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function newJti(): string {
  return randomBytes(16).toString('hex');
}

/** A token issued `ageMs` ago that lives `lifetimeMs`, to `userId`. */
function tokenFor(
  userId: number | null,
  options: { ageMs?: number; lifetimeMs?: number; familyId?: string | null } = {},
): OutstandingToken {
  const createdAt = new Date(Date.now() - (options.ageMs ?? 0));
  return {
    jti: newJti(),
    userId,
    familyId: options.familyId === undefined ? newJti() : options.familyId,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + (options.lifetimeMs ?? DAY)),
  };
}

/** A token from elsewhere: no creation time, no family (what blacklisting an unknown jti records). */
function foreignToken(userId: number | null, expiresAt: Date): OutstandingToken {
  return { jti: newJti(), userId, familyId: null, createdAt: null, expiresAt };
}

function userInput(username: string, extra: Partial<NewUser> = {}): NewUser {
  return { username, password: 'argon2id$placeholder', ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Registers the conformance suite for one store implementation.
 *
 * @param name Shown in the suite title.
 * @param open Returns a new store over an EMPTY database each time it is called (never migrated;
 *   the suite migrates it, and closes it after each test).
 */
export function runStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('migrations', () => {
      it('are idempotent', async () => {
        await store.migrate();
        await store.migrate();
        expect(await store.listUsers()).toEqual([]);
      });
    });

    describe('users', () => {
      it('creates a user with Django defaults and reads it back by id, username and email', async () => {
        const before = Date.now();
        const created = await store.createUser(userInput('alice', { email: 'Alice@Example.com' }));
        expect(created).toEqual({
          id: expect.any(Number),
          username: 'alice',
          email: 'Alice@Example.com',
          firstName: '',
          lastName: '',
          password: 'argon2id$placeholder',
          isActive: true,
          isStaff: false,
          isSuperuser: false,
          lastLogin: null,
          dateJoined: expect.any(Date),
        });
        expect(Number.isInteger(created.id) && created.id > 0).toBe(true);
        expect(created.dateJoined.getTime()).toBeGreaterThanOrEqual(before);
        expect(created.dateJoined.getTime()).toBeLessThanOrEqual(Date.now());

        expect(await store.findUser('id', created.id)).toEqual(created);
        expect(await store.findUser('id', String(created.id))).toEqual(created);
        expect(await store.findUser('username', 'alice')).toEqual(created);
        expect(await store.findUser('email', 'Alice@Example.com')).toEqual(created);
      });

      it('stores every given field, with millisecond dates', async () => {
        const dateJoined = new Date('2021-03-04T05:06:07.089Z');
        const created = await store.createUser(
          userInput('root', {
            email: 'root@example.com',
            firstName: 'Ro',
            lastName: 'Ot',
            isActive: false,
            isStaff: true,
            isSuperuser: true,
            dateJoined,
          }),
        );
        const found = await store.findUser('username', 'root');
        expect(found).toEqual(created);
        expect(found).toMatchObject({ firstName: 'Ro', lastName: 'Ot', isActive: false, isStaff: true, isSuperuser: true });
        expect(found?.dateJoined.toISOString()).toBe('2021-03-04T05:06:07.089Z');
      });

      it('looks users up by exact, case-sensitive value', async () => {
        await store.createUser(userInput('alice', { email: 'alice@example.com' }));
        expect(await store.findUser('username', 'Alice')).toBeUndefined();
        expect(await store.findUser('username', 'alic')).toBeUndefined();
        expect(await store.findUser('username', 'alic%')).toBeUndefined();
        expect(await store.findUser('username', 'alice ')).toBeUndefined();
        expect(await store.findUser('email', 'ALICE@example.com')).toBeUndefined();
        expect(await store.findUser('id', 999_999)).toBeUndefined();
      });

      it('finds nobody by a malformed id or an empty email', async () => {
        const user = await store.createUser(userInput('noemail'));
        expect(user.email).toBe('');
        expect(await store.findUser('email', '')).toBeUndefined();
        expect(await store.findUser('id', 'abc')).toBeUndefined();
        expect(await store.findUser('id', `${user.id}abc`)).toBeUndefined();
        expect(await store.findUser('id', 1.5)).toBeUndefined();
        expect(await store.findUser('id', '')).toBeUndefined();
      });

      it('treats usernames differing only in case as different users', async () => {
        const lower = await store.createUser(userInput('alice'));
        const upper = await store.createUser(userInput('Alice'));
        expect(upper.id).not.toBe(lower.id);
        expect((await store.findUser('username', 'Alice'))?.id).toBe(upper.id);
      });

      it('names the username when it is taken', async () => {
        await store.createUser(userInput('alice', { email: 'a@example.com' }));
        const error = await rejection(store.createUser(userInput('alice', { email: 'b@example.com' })));
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect((error as UniqueViolationError).field).toBe('username');
      });

      it('names the email when it is taken, in any letter case', async () => {
        await store.createUser(userInput('alice', { email: 'Alice@Example.com' }));
        for (const email of ['Alice@Example.com', 'alice@example.com', 'ALICE@EXAMPLE.COM']) {
          const error = await rejection(store.createUser(userInput(`other-${email}`, { email })));
          expect(error).toBeInstanceOf(UniqueViolationError);
          expect((error as UniqueViolationError).field).toBe('email');
        }
        expect(await store.listUsers()).toHaveLength(1);
      });

      it('lets any number of users have no email', async () => {
        await store.createUser(userInput('one'));
        await store.createUser(userInput('two', { email: '' }));
        expect(await store.listUsers()).toHaveLength(2);
        expect(await store.emailTaken('')).toBe(false);
      });

      it('checks email availability case-insensitively', async () => {
        await store.createUser(userInput('alice', { email: 'Alice@Example.com' }));
        expect(await store.emailTaken('alice@example.com')).toBe(true);
        expect(await store.emailTaken('ALICE@EXAMPLE.COM')).toBe(true);
        expect(await store.emailTaken('alice@example.org')).toBe(false);
        expect(await store.emailTaken('%@Example.com')).toBe(false);
      });

      it('updates fields and returns the updated user', async () => {
        const user = await store.createUser(userInput('alice', { email: 'a@example.com' }));
        const lastLogin = new Date('2024-01-02T03:04:05.678Z');
        const updated = await store.updateUser(user.id, {
          email: 'new@example.com',
          firstName: 'Al',
          lastName: 'Ice',
          password: 'new-hash',
          isActive: false,
          isStaff: true,
          isSuperuser: true,
          lastLogin,
        });
        expect(updated).toEqual({
          ...user,
          email: 'new@example.com',
          firstName: 'Al',
          lastName: 'Ice',
          password: 'new-hash',
          isActive: false,
          isStaff: true,
          isSuperuser: true,
          lastLogin,
        });
        expect(await store.findUser('id', user.id)).toEqual(updated);

        const cleared = await store.updateUser(user.id, { lastLogin: null, isActive: true });
        expect(cleared).toMatchObject({ lastLogin: null, isActive: true, email: 'new@example.com' });
        expect(await store.updateUser(user.id, {})).toEqual(cleared);
      });

      it('returns undefined when updating a missing user', async () => {
        expect(await store.updateUser(424_242, { firstName: 'x' })).toBeUndefined();
        expect(await store.updateUser(424_242, {})).toBeUndefined();
      });

      it('names the field when an update collides with another user', async () => {
        await store.createUser(userInput('alice', { email: 'alice@example.com' }));
        const bob = await store.createUser(userInput('bob', { email: 'bob@example.com' }));
        const byUsername = await rejection(store.updateUser(bob.id, { username: 'alice' }));
        expect((byUsername as UniqueViolationError).field).toBe('username');
        const byEmail = await rejection(store.updateUser(bob.id, { email: 'ALICE@example.com' }));
        expect((byEmail as UniqueViolationError).field).toBe('email');
        expect(await store.findUser('id', bob.id)).toEqual(bob);
      });

      it('lists users by id, with search, limit and offset', async () => {
        const names = ['amy', 'bob', 'carol', 'dave', 'erin'];
        const users = [];
        for (const name of names) users.push(await store.createUser(userInput(name, { email: `${name}@example.com` })));
        await store.updateUser(users[3]!.id, { lastName: 'Smith_Jones' });

        expect((await store.listUsers()).map((u) => u.username)).toEqual(names);
        expect((await store.listUsers({ limit: 2 })).map((u) => u.username)).toEqual(['amy', 'bob']);
        expect((await store.listUsers({ limit: 2, offset: 2 })).map((u) => u.username)).toEqual(['carol', 'dave']);
        expect((await store.listUsers({ offset: 3 })).map((u) => u.username)).toEqual(['dave', 'erin']);
        expect(await store.listUsers({ limit: 0 })).toEqual([]);
        // Substring of username, email or names, any case.
        expect((await store.listUsers({ search: 'AR' })).map((u) => u.username)).toEqual(['carol']);
        expect((await store.listUsers({ search: 'example' })).map((u) => u.username)).toEqual(names);
        expect((await store.listUsers({ search: 'smith' })).map((u) => u.username)).toEqual(['dave']);
        expect((await store.listUsers({ search: 'example', limit: 1, offset: 1 })).map((u) => u.username)).toEqual(['bob']);
        // LIKE wildcards in the search are literal characters.
        expect((await store.listUsers({ search: '_' })).map((u) => u.username)).toEqual(['dave']);
        expect(await store.listUsers({ search: '%' })).toEqual([]);
        expect(await store.listUsers({ search: 'zzz' })).toEqual([]);
      });

      it('deletes users', async () => {
        const user = await store.createUser(userInput('alice'));
        expect(await store.deleteUser(user.id)).toBe(true);
        expect(await store.deleteUser(user.id)).toBe(false);
        expect(await store.findUser('id', user.id)).toBeUndefined();
      });

      it("with uniqueAfterFolding, refuses names equal to another user's after NFKC and case folding (issue 12 §7)", async () => {
        const strict = { uniqueAfterFolding: true };
        await store.createUser(userInput('kyoko', { email: 'k@éxample.com' }), strict);
        for (const [username, email, field] of [
          ['KYOKO', 'other1@example.com', 'username'],
          ['ｋｙｏｋｏ', 'other2@example.com', 'username'],
          ['Kyoko', 'other3@example.com', 'username'],
          ['kyoko2', 'k@Éxample.com', 'email'],
          ['kyoko3', 'K@ÉXAMPLE.COM', 'email'],
        ] as const) {
          const error = await rejection(store.createUser(userInput(username, { email }), strict));
          expect(error, username).toBeInstanceOf(UniqueViolationError);
          expect((error as UniqueViolationError).field, username).toBe(field);
        }
        await store.createUser(userInput('straße'), strict);
        expect(await rejection(store.createUser(userInput('STRASSE'), strict))).toBeInstanceOf(UniqueViolationError);
        expect(await store.emailTaken('k@Éxample.com')).toBe(true);
        // Without the option (imports), Django's exact rule: a case variant is another user.
        expect((await store.createUser(userInput('KYOKO'))).username).toBe('KYOKO');
        expect(await store.listUsers()).toHaveLength(3);
      });

      it('with uniqueAfterFolding, checks renames too; a deleted user frees its folded names', async () => {
        const strict = { uniqueAfterFolding: true };
        const alice = await store.createUser(userInput('alice'), strict);
        const bob = await store.createUser(userInput('bob'), strict);
        expect(await rejection(store.updateUser(bob.id, { username: 'ALICE' }, strict))).toBeInstanceOf(UniqueViolationError);
        expect((await store.updateUser(bob.id, { username: 'Bobby' }, strict))?.username).toBe('Bobby');
        // Bob's old name is free again, and so is Alice's once she is gone.
        expect((await store.createUser(userInput('BOB'), strict)).username).toBe('BOB');
        await store.deleteUser(alice.id);
        expect((await store.createUser(userInput('Alice'), strict)).username).toBe('Alice');
      });

      it('counts every one of a burst of concurrent token cut-offs, and findUser reads the version (issue 15)', async () => {
        const user = await store.createUser(userInput('cutoff'));
        expect((await store.findUser('id', user.id))?.tokenVersion ?? 0).toBe(0);
        const versions = await Promise.all(Array.from({ length: 12 }, () => store.cutOffTokens(user.id, new Date())));
        expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
        expect((await store.findUser('username', 'cutoff'))?.tokenVersion).toBe(12);
      });

      it('never gives a deleted user id to a new user', async () => {
        await store.createUser(userInput('first'));
        const last = await store.createUser(userInput('second'));
        await store.deleteUser(last.id);
        const next = await store.createUser(userInput('third'));
        expect(next.id).toBeGreaterThan(last.id);
      });
    });

    describe('tokens', () => {
      let userId: number;

      beforeEach(async () => {
        userId = (await store.createUser(userInput('owner'))).id;
      });

      it('records outstanding tokens idempotently, field for field', async () => {
        const token = tokenFor(userId);
        await store.recordOutstanding(token);
        await store.recordOutstanding(token);
        await store.recordOutstanding({ ...token, familyId: 'other', userId: null });
        expect(await store.listTokens()).toEqual([{ ...token, blacklistedAt: null }]);
      });

      it('records tokens that name no user, or a user that does not exist', async () => {
        const anonymous = foreignToken(null, new Date(Date.now() + DAY));
        const stranger = tokenFor(987_654);
        await store.recordOutstanding(anonymous);
        await store.recordOutstanding(stranger);
        const tokens = await store.listTokens();
        expect(tokens.find((t) => t.jti === anonymous.jti)).toEqual({ ...anonymous, blacklistedAt: null });
        expect(tokens.find((t) => t.jti === stranger.jti)?.userId).toBeNull();
      });

      it('blacklists once: true, then false', async () => {
        const token = tokenFor(userId);
        await store.recordOutstanding(token);
        expect(await store.isBlacklisted(token.jti)).toBe(false);
        const before = Date.now();
        expect(await store.blacklist(token, new Date())).toBe(true);
        expect(await store.isBlacklisted(token.jti)).toBe(true);
        expect(await store.blacklist(token, new Date())).toBe(false);
        const [record] = await store.listTokens();
        expect(record?.blacklistedAt?.getTime()).toBeGreaterThanOrEqual(before);
        expect(await store.listTokens()).toHaveLength(1);
      });

      it('says an unknown jti is not blacklisted', async () => {
        expect(await store.isBlacklisted(newJti())).toBe(false);
      });

      it('records an unknown token when blacklisting it', async () => {
        const token = foreignToken(null, new Date(Date.now() + DAY));
        expect(await store.blacklist(token, new Date())).toBe(true);
        expect(await store.isBlacklisted(token.jti)).toBe(true);
        const [record] = await store.listTokens();
        expect(record).toMatchObject({ ...token, blacklistedAt: expect.any(Date) });
      });

      it('lets exactly one of 20 concurrent blacklist calls win', async () => {
        const token = tokenFor(userId);
        await store.recordOutstanding(token);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.blacklist(token, new Date())));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('rotates: blacklists the old token and records the next', async () => {
        const old = tokenFor(userId);
        const next = { ...tokenFor(userId), familyId: old.familyId };
        await store.recordOutstanding(old);
        expect(await store.rotate(old, next, new Date())).toBe(true);
        expect(await store.isBlacklisted(old.jti)).toBe(true);
        expect(await store.isBlacklisted(next.jti)).toBe(false);
        const tokens = await store.listTokens();
        expect(tokens.find((t) => t.jti === next.jti)).toEqual({ ...next, blacklistedAt: null });
      });

      it('rotates a token it had not recorded', async () => {
        const old = foreignToken(userId, new Date(Date.now() + DAY));
        const next = tokenFor(userId);
        expect(await store.rotate(old, next, new Date())).toBe(true);
        expect(await store.isBlacklisted(old.jti)).toBe(true);
        expect((await store.listTokens()).map((t) => t.jti).sort()).toEqual([old.jti, next.jti].sort());
      });

      it('lets exactly one of 20 concurrent rotations of one token win', async () => {
        const old = tokenFor(userId);
        await store.recordOutstanding(old);
        const nexts = Array.from({ length: 20 }, () => ({ ...tokenFor(userId), familyId: old.familyId }));
        const results = await Promise.all(nexts.map((next) => store.rotate(old, next, new Date())));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = nexts[results.indexOf(true)]!;
        const recorded = (await store.listTokens()).map((t) => t.jti).sort();
        expect(recorded).toEqual([old.jti, winner.jti].sort());
      });

      it('refuses to rotate a blacklisted token and records nothing', async () => {
        const old = tokenFor(userId);
        await store.recordOutstanding(old);
        expect(await store.blacklist(old, new Date())).toBe(true);
        const next = tokenFor(userId);
        expect(await store.rotate(old, next, new Date())).toBe(false);
        expect((await store.listTokens()).map((t) => t.jti)).toEqual([old.jti]);
        expect(await store.isBlacklisted(next.jti)).toBe(false);
      });

      it('refuses a second rotation of the same token', async () => {
        const old = tokenFor(userId);
        await store.recordOutstanding(old);
        expect(await store.rotate(old, tokenFor(userId), new Date())).toBe(true);
        const late = tokenFor(userId);
        expect(await store.rotate(old, late, new Date())).toBe(false);
        expect((await store.listTokens()).some((t) => t.jti === late.jti)).toBe(false);
      });

      it('blacklists all live tokens of one user', async () => {
        const other = (await store.createUser(userInput('other'))).id;
        const live1 = tokenFor(userId, { ageMs: 2 * HOUR });
        const live2 = tokenFor(userId, { ageMs: HOUR });
        const alreadyBlacklisted = tokenFor(userId);
        const expired = tokenFor(userId, { ageMs: 2 * DAY });
        const othersToken = tokenFor(other);
        for (const token of [live1, live2, alreadyBlacklisted, expired, othersToken]) await store.recordOutstanding(token);
        await store.blacklist(alreadyBlacklisted, new Date());

        const now = new Date();
        expect(await store.blacklistAllForUser(userId, now)).toBe(2);
        expect(await store.isBlacklisted(live1.jti)).toBe(true);
        expect(await store.isBlacklisted(live2.jti)).toBe(true);
        expect(await store.isBlacklisted(expired.jti)).toBe(false);
        expect(await store.isBlacklisted(othersToken.jti)).toBe(false);
        expect(await store.blacklistAllForUser(userId, now)).toBe(0);
        expect(await store.blacklistAllForUser(424_242, now)).toBe(0);
      });

      it('lists tokens newest first, per user, paged, with blacklist times', async () => {
        const other = (await store.createUser(userInput('other'))).id;
        const oldest = tokenFor(userId, { ageMs: 3 * HOUR });
        const middle = tokenFor(other, { ageMs: 2 * HOUR });
        const newest = tokenFor(userId, { ageMs: HOUR });
        const undated = foreignToken(userId, new Date(Date.now() + DAY));
        await store.recordOutstanding(newest);
        await store.recordOutstanding(oldest);
        await store.recordOutstanding(middle);
        await store.blacklist(undated, new Date());
        await store.blacklist(oldest, new Date());

        const all = await store.listTokens();
        expect(all.map((t) => t.jti)).toEqual([newest.jti, middle.jti, oldest.jti, undated.jti]);
        expect(all[0]).toEqual({ ...newest, blacklistedAt: null });
        expect(all[2]?.blacklistedAt).toBeInstanceOf(Date);
        expect((await store.listTokens({ userId })).map((t) => t.jti)).toEqual([newest.jti, oldest.jti, undated.jti]);
        expect((await store.listTokens({ userId: other })).map((t) => t.jti)).toEqual([middle.jti]);
        expect((await store.listTokens({ limit: 2, offset: 1 })).map((t) => t.jti)).toEqual([middle.jti, oldest.jti]);
        expect((await store.listTokens({ offset: 3 })).map((t) => t.jti)).toEqual([undated.jti]);
      });

      // simplejwt's tests/test_token_blacklist.py, TestFlushExpiredTokens: 6 -> 4 outstanding,
      // 4 -> 2 blacklisted.
      it('flushes expired tokens and their blacklist rows, keeping the rest', async () => {
        const lifetime = DAY;
        const notExpired1 = tokenFor(userId);
        const notExpired2 = tokenFor(userId);
        const notExpired3 = foreignToken(null, new Date(Date.now() + lifetime));
        await store.recordOutstanding(notExpired1);
        await store.recordOutstanding(notExpired2);
        await store.blacklist(notExpired2, new Date());
        await store.blacklist(notExpired3, new Date());

        const expired1 = tokenFor(userId, { ageMs: lifetime + 1000, lifetimeMs: lifetime });
        const expired2 = foreignToken(null, new Date(Date.now() - 1000));
        await store.recordOutstanding(expired1);
        await store.blacklist(expired1, new Date());
        await store.blacklist(expired2, new Date());

        const notExpired4 = tokenFor(userId);
        await store.recordOutstanding(notExpired4);

        const before = await store.listTokens();
        expect(before).toHaveLength(6);
        expect(before.filter((t) => t.blacklistedAt !== null)).toHaveLength(4);

        expect(await store.flushExpired(new Date())).toBe(2);

        const after = await store.listTokens();
        expect(after.map((t) => t.jti).sort()).toEqual([notExpired1.jti, notExpired2.jti, notExpired3.jti, notExpired4.jti].sort());
        expect(
          after
            .filter((t) => t.blacklistedAt !== null)
            .map((t) => t.jti)
            .sort(),
        ).toEqual([notExpired2.jti, notExpired3.jti].sort());
        expect(await store.isBlacklisted(expired1.jti)).toBe(false);
        expect(await store.flushExpired(new Date())).toBe(0);
      });

      it('flushes a token expiring exactly now, not one a millisecond later', async () => {
        const now = new Date();
        const atNow = foreignToken(userId, now);
        const later = foreignToken(userId, new Date(now.getTime() + 1));
        await store.recordOutstanding(atNow);
        await store.recordOutstanding(later);
        expect(await store.flushExpired(now)).toBe(1);
        expect((await store.listTokens()).map((t) => t.jti)).toEqual([later.jti]);
      });

      it("keeps a deleted user's tokens, and their blacklisting, with no user", async () => {
        const blacklisted = tokenFor(userId);
        const live = tokenFor(userId);
        await store.recordOutstanding(blacklisted);
        await store.recordOutstanding(live);
        await store.blacklist(blacklisted, new Date());

        expect(await store.deleteUser(userId)).toBe(true);

        expect(await store.isBlacklisted(blacklisted.jti)).toBe(true);
        expect(await store.rotate(blacklisted, tokenFor(null), new Date())).toBe(false);
        const tokens = await store.listTokens();
        expect(tokens.map((t) => t.userId)).toEqual([null, null]);
        // simplejwt: blacklist() still works after the user is deleted.
        expect(await store.blacklist(live, new Date())).toBe(true);
        expect(await store.blacklist({ ...tokenFor(userId) }, new Date())).toBe(true);
      });
    });

    describe('families', () => {
      let userId: number;
      beforeEach(async () => {
        userId = (await store.createUser(userInput('family-user'))).id;
      });

      it('knows nothing of an unrecorded jti', async () => {
        expect(await store.findTokenState(newJti())).toBeUndefined();
      });

      it('records a family once and reports it in token state', async () => {
        const familyId = newJti();
        const createdAt = new Date(Date.now() - HOUR);
        await store.startFamily({ id: familyId, userId, createdAt });
        await store.startFamily({ id: familyId, userId, createdAt: new Date() });
        const token = tokenFor(userId, { familyId });
        await store.recordOutstanding(token);
        expect(await store.findTokenState(token.jti)).toEqual({
          jti: token.jti,
          userId,
          familyId,
          familyCreatedAt: createdAt,
          familyRevokedAt: null,
          blacklistedAt: null,
          replacedBy: null,
          createdAt: token.createdAt,
          expiresAt: token.expiresAt,
        });
      });

      it('notes which token replaced which at rotation', async () => {
        const familyId = newJti();
        await store.startFamily({ id: familyId, userId, createdAt: new Date() });
        const first = tokenFor(userId, { familyId });
        const second = tokenFor(userId, { familyId });
        await store.recordOutstanding(first);
        expect(await store.rotate(first, second, new Date())).toBe(true);
        const state = await store.findTokenState(first.jti);
        expect(state?.replacedBy).toBe(second.jti);
        expect(state?.blacklistedAt).toBeInstanceOf(Date);
        expect((await store.findTokenState(second.jti))?.replacedBy).toBeNull();
      });

      it('revokes a whole family and nothing else', async () => {
        const familyId = newJti();
        const otherFamily = newJti();
        await store.startFamily({ id: familyId, userId, createdAt: new Date() });
        await store.startFamily({ id: otherFamily, userId, createdAt: new Date() });
        const members = [tokenFor(userId, { familyId }), tokenFor(userId, { familyId }), tokenFor(userId, { familyId })];
        for (const member of members) await store.recordOutstanding(member);
        await store.blacklist(members[0] as OutstandingToken, new Date());
        const bystander = tokenFor(userId, { familyId: otherFamily });
        await store.recordOutstanding(bystander);

        expect(await store.revokeFamily(familyId, new Date(), 'reuse_detected')).toBe(2);
        for (const member of members) expect(await store.isBlacklisted(member.jti)).toBe(true);
        expect((await store.findTokenState(members[1]?.jti ?? ''))?.familyRevokedAt).toBeInstanceOf(Date);
        expect(await store.isBlacklisted(bystander.jti)).toBe(false);
        expect(await store.revokeFamily(familyId, new Date(), 'again')).toBe(0);
      });

      it("marks a user's families revoked when all their tokens are blacklisted", async () => {
        const familyId = newJti();
        await store.startFamily({ id: familyId, userId, createdAt: new Date() });
        const token = tokenFor(userId, { familyId });
        await store.recordOutstanding(token);
        expect(await store.blacklistAllForUser(userId, new Date())).toBe(1);
        expect((await store.findTokenState(token.jti))?.familyRevokedAt).toBeInstanceOf(Date);
      });
    });

    describe("a refresh's reads (findTokenStateAndUser, optional: a store without it is read twice)", () => {
      /** The fused read when the store has it, else its definition: the two separate reads. */
      const readBoth = (jti: string, field: UserLookupField, value: string | number) =>
        store.findTokenStateAndUser?.(jti, field, value) ??
        Promise.all([store.findTokenState(jti), store.findUser(field, value)]).then(([state, user]) => ({ state, user }));
      const separately = async (jti: string, field: UserLookupField, value: string | number) => ({
        state: await store.findTokenState(jti),
        user: await store.findUser(field, value),
      });

      it('answers exactly as findTokenState and findUser do, in every combination', async () => {
        const holder = await store.createUser(userInput('holder', { email: 'holder@example.com', isStaff: true }));
        const inactive = await store.createUser(userInput('inactive', { isActive: false }));
        await store.cutOffTokens(holder.id, new Date());
        const familyId = newJti();
        await store.startFamily({ id: familyId, userId: holder.id, createdAt: new Date(Date.now() - HOUR) });
        const live = tokenFor(holder.id, { familyId });
        const rotated = tokenFor(holder.id, { familyId });
        const successor = tokenFor(holder.id, { familyId });
        const foreign = foreignToken(null, new Date(Date.now() + DAY));
        await store.recordOutstanding(live);
        await store.recordOutstanding(rotated);
        expect(await store.rotate(rotated, successor, new Date())).toBe(true);
        await store.blacklist(foreign, new Date());
        const lookups: [UserLookupField, string | number][] = [
          ['id', holder.id],
          ['id', String(inactive.id)],
          ['id', 999_999],
          ['id', 'abc'],
          ['username', 'holder'],
          ['username', 'HOLDER'],
          ['email', 'holder@example.com'],
          ['email', ''],
        ];
        for (const jti of [live.jti, rotated.jti, successor.jti, foreign.jti, newJti()])
          for (const [field, value] of lookups) expect(await readBoth(jti, field, value)).toEqual(await separately(jti, field, value));
        const both = await readBoth(rotated.jti, 'id', holder.id);
        expect(both.state?.replacedBy).toBe(successor.jti);
        expect(both.state?.blacklistedAt).toBeInstanceOf(Date);
        expect(both.user?.tokenVersion).toBe(1);
        expect((await readBoth(live.jti, 'id', inactive.id)).user?.isActive).toBe(false);
      });

      it('sees a revoked family, a deactivation and a deletion made just before', async () => {
        const user = await store.createUser(userInput('changing'));
        const familyId = newJti();
        await store.startFamily({ id: familyId, userId: user.id, createdAt: new Date() });
        const token = tokenFor(user.id, { familyId });
        await store.recordOutstanding(token);
        expect((await readBoth(token.jti, 'id', user.id)).user?.isActive).toBe(true);
        await store.updateUser(user.id, { isActive: false });
        expect((await readBoth(token.jti, 'id', user.id)).user?.isActive).toBe(false);
        await store.revokeFamily(familyId, new Date(), 'test');
        expect((await readBoth(token.jti, 'id', user.id)).state?.familyRevokedAt).toBeInstanceOf(Date);
        await store.deleteUser(user.id);
        const after = await readBoth(token.jti, 'id', user.id);
        expect(after.user).toBeUndefined();
        expect(after.state?.userId).toBeNull();
        expect(after.state?.blacklistedAt).toBeInstanceOf(Date);
      });
    });
  });
}
