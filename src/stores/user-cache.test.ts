import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import type { Store } from '../model/store.js';
import { withUserCache, type CachedStore } from './user-cache.js';

describe('withUserCache', () => {
  let inner: Store;
  let cached: CachedStore;
  let clock = 0;
  let id: number;

  beforeEach(async () => {
    inner = await openStore('sqlite::memory:');
    await inner.migrate();
    cached = withUserCache(inner, { ttlSeconds: 5, now: () => clock });
    id = (await cached.createUser({ username: 'ann', password: 'x' })).id;
  });
  afterEach(async () => cached.close());

  it('serves repeated lookups from memory until the TTL passes', async () => {
    expect((await cached.findCachedUser('id', id))?.isActive).toBe(true);
    await inner.updateUser(id, { isActive: false }); // another process, in effect
    expect((await cached.findCachedUser('id', id))?.isActive).toBe(true);
    expect((await cached.findUser('id', id))?.isActive).toBe(false);
    clock += 5001;
    expect((await cached.findCachedUser('id', id))?.isActive).toBe(false);
  });

  it('drops a user at once when this process changes or deletes it, and tells listeners', async () => {
    const told: number[] = [];
    cached.onUserChanged((changed) => told.push(changed));
    await cached.findCachedUser('id', id);
    await cached.updateUser(id, { isActive: false });
    expect((await cached.findCachedUser('id', id))?.isActive).toBe(false);
    await cached.deleteUser(id);
    expect(await cached.findCachedUser('id', id)).toBeUndefined();
    expect(told).toEqual([id, id]);
  });

  it('does not cache misses, and passes every other method through', async () => {
    expect(await cached.findCachedUser('id', id + 1)).toBeUndefined();
    const bob = await cached.createUser({ username: 'bob', password: 'x' });
    expect((await cached.findCachedUser('id', bob.id))?.username).toBe('bob');
    expect(await cached.emailTaken('nobody@example.com')).toBe(false);
  });

  it('answers but does not keep a read that an invalidation overtook (the row it holds may be older than the change)', async () => {
    // The read takes its snapshot, then waits, as a PostgreSQL query in flight would.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = inner.findUser.bind(inner);
    inner.findUser = async (field, value) => {
      const row = await read(field, value);
      await gate;
      return row;
    };
    const racing = cached.findCachedUser('id', id);
    await new Promise((wake) => setTimeout(wake, 10));
    await inner.updateUser(id, { isActive: false }); // another instance commits...
    cached.invalidateUser(id); // ...and Redis relays it while the read is in flight
    release();
    expect((await racing)?.isActive).toBe(true);
    inner.findUser = read;
    expect((await cached.findCachedUser('id', id))?.isActive).toBe(false);
  });

  it("does the same for a user's groups and permissions", async () => {
    const permissions = inner.permissions!;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = permissions.authorizationOf.bind(permissions);
    permissions.authorizationOf = async (userId) => {
      const authorization = await read(userId);
      await gate;
      return authorization;
    };
    const racing = cached.findCachedAuthorization(id);
    await new Promise((wake) => setTimeout(wake, 10));
    await permissions.addUserToGroup(id, 'editors');
    cached.invalidateUser(id);
    release();
    expect((await racing).groups).toEqual([]);
    permissions.authorizationOf = read;
    expect((await cached.findCachedAuthorization(id)).groups).toEqual(['editors']);
  });

  it('caches nothing with a TTL of 0', async () => {
    const uncached = withUserCache(inner, { ttlSeconds: 0 });
    await uncached.findCachedUser('id', id);
    await inner.updateUser(id, { isActive: false });
    expect((await uncached.findCachedUser('id', id))?.isActive).toBe(false);
  });
});
