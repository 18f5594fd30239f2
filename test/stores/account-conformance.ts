/**
 * The `AccountStore` part of the store conformance suite (password reset and change, email
 * verification), run by `runStoreConformance` on SQLite and PostgreSQL: case-insensitive email
 * lookup, compare-and-set password replacement and one-shot verification under concurrency,
 * and django-allauth's constraints on `account_emailaddress`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountStore, Store } from '../../src/model/store.js';

type FullStore = Store & AccountStore;

function withAccounts(store: Store): FullStore {
  for (const method of ['findUserByEmail', 'replacePassword', 'addEmailAddress', 'verifyEmailAddress'] as const) {
    if (typeof store[method] !== 'function') throw new Error(`the store has no ${method}`);
  }
  return store as FullStore;
}

export function runAccountStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`AccountStore conformance: ${name}`, () => {
    let store: FullStore;
    beforeEach(async () => {
      store = withAccounts(await open());
      await store.migrate();
    });
    afterEach(async () => {
      await store?.close();
    });

    it('finds users by email in any letter case; an empty email names nobody', async () => {
      const alice = await store.createUser({ username: 'alice', email: 'Alice@Example.com', password: 'h1' });
      await store.createUser({ username: 'noemail', password: 'h2' });
      expect((await store.findUserByEmail('alice@example.COM'))?.id).toBe(alice.id);
      expect(await store.findUserByEmail('bob@example.com')).toBeUndefined();
      expect(await store.findUserByEmail('')).toBeUndefined();
      expect(await store.findUserByEmail('%')).toBeUndefined();
    });

    it('replaces a password only from the expected hash, once under a burst of 20', async () => {
      const user = await store.createUser({ username: 'carol', password: 'old-hash' });
      expect(await store.replacePassword(user.id, 'not-the-hash', 'x')).toBe(false);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => store.replacePassword(user.id, 'old-hash', `new-hash-${index}`)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.findUser('id', user.id))?.password).toBe(`new-hash-${results.indexOf(true)}`);
      expect(await store.replacePassword(user.id + 1000, 'old-hash', 'x')).toBe(false);
    });

    it('records one row per user and address, lowercased, the first one primary', async () => {
      const user = await store.createUser({ username: 'dave', email: 'Dave@Example.com', password: 'h' });
      const first = await store.addEmailAddress(user.id, user.email);
      expect(first).toMatchObject({ userId: user.id, email: 'dave@example.com', verified: false, primary: true });
      expect(await store.addEmailAddress(user.id, 'DAVE@example.com')).toEqual(first);
      const second = await store.addEmailAddress(user.id, 'dave@example.org');
      expect(second.primary).toBe(false);
      expect(await store.findEmailAddress(user.id, 'DAVE@EXAMPLE.COM')).toEqual(first);
      expect(await store.findEmailAddressById(second.id)).toEqual(second);
      expect((await store.listEmailAddresses([user.id])).map((address) => address.email)).toEqual(['dave@example.com', 'dave@example.org']);
      expect(await store.listEmailAddresses([])).toEqual([]);
    });

    it('adds a burst of the same address once', async () => {
      const user = await store.createUser({ username: 'erin', email: 'erin@example.com', password: 'h' });
      const rows = await Promise.all(Array.from({ length: 10 }, () => store.addEmailAddress(user.id, 'erin@example.com')));
      expect(new Set(rows.map((row) => row.id)).size).toBe(1);
      expect(await store.listEmailAddresses([user.id])).toHaveLength(1);
    });

    it('verifies an address once, even under a burst; a verified address stays with its account', async () => {
      const frank = await store.createUser({ username: 'frank', email: 'frank@example.com', password: 'h' });
      const address = await store.addEmailAddress(frank.id, frank.email);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.verifyEmailAddress(address.id)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.findEmailAddressById(address.id))?.verified).toBe(true);
      expect(await store.verifyEmailAddress(address.id + 1000)).toBe(false);
      // Frank moved on to another address; his old one, still verified, cannot be verified by someone else.
      await store.updateUser(frank.id, { email: 'frank@example.org' });
      const grace = await store.createUser({ username: 'grace', email: 'frank@example.com', password: 'h' });
      const claimed = await store.addEmailAddress(grace.id, grace.email);
      expect(await store.verifyEmailAddress(claimed.id)).toBe(false);
    });

    it("deletes a user's addresses with the user", async () => {
      const user = await store.createUser({ username: 'heidi', email: 'heidi@example.com', password: 'h' });
      const address = await store.addEmailAddress(user.id, user.email);
      expect(await store.deleteUser(user.id)).toBe(true);
      expect(await store.findEmailAddressById(address.id)).toBeUndefined();
    });
  });
}
