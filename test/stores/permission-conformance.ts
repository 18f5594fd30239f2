/**
 * Groups and permissions (`store.permissions`), the same on every store: SQLite, PostgreSQL and
 * the in-memory store of the extension-point tests. The effective rules (superuser, inactive)
 * are `RequestUser`'s and are checked here through `requestUserOf` on the stored answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PermissionStore } from '../../src/model/permissions.js';
import { requestUserOf } from '../../src/model/request-user.js';
import type { Store } from '../../src/model/store.js';
import { withUserCache } from '../../src/stores/user-cache.js';

/**
 * Registers the groups-and-permissions suite for one store implementation.
 *
 * @param open Returns a new store over an EMPTY database each time (the suite migrates and closes it).
 */
export function runPermissionStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Groups and permissions conformance: ${name}`, () => {
    let store: Store;
    let perms: PermissionStore;
    const user = async (username: string, extra: { isActive?: boolean; isSuperuser?: boolean } = {}) =>
      (await store.createUser({ username, password: 'argon2id$placeholder', ...extra })).id;

    beforeEach(async () => {
      store = await open();
      await store.migrate();
      if (store.permissions === undefined) throw new Error(`${name} keeps no groups and permissions`);
      perms = store.permissions;
    });
    afterEach(async () => {
      await store.close();
    });

    it('gives a user with no rows no groups and no permissions', async () => {
      expect(await perms.authorizationOf(await user('ana'))).toEqual({ groups: [], permissions: [] });
    });

    it('unites direct and group permissions, sorted and without duplicates', async () => {
      const ana = await user('ana');
      expect(await perms.grantUserPermission(ana, 'blog.add_post')).toEqual([ana]);
      expect(await perms.grantUserPermission(ana, 'blog.add_post')).toEqual([]);
      expect(await perms.grantGroupPermission('editors', 'blog.change_post')).toEqual([]);
      expect(await perms.grantGroupPermission('editors', 'blog.add_post')).toEqual([]);
      expect(await perms.addUserToGroup(ana, 'editors')).toEqual([ana]);
      expect(await perms.addUserToGroup(ana, 'editors')).toEqual([]);
      expect(await perms.addUserToGroup(ana, 'authors')).toEqual([ana]);
      expect(await perms.authorizationOf(ana)).toEqual({
        groups: ['authors', 'editors'],
        permissions: ['blog.add_post', 'blog.change_post'],
      });
      // Only what was granted to the user, not what their groups give.
      expect(await perms.directPermissionsOf?.(ana)).toEqual(['blog.add_post']);
      const listed = await perms.listGroups();
      expect(listed.map(({ name: group, members, permissions }) => ({ group, members, permissions }))).toEqual([
        { group: 'authors', members: 1, permissions: [] },
        { group: 'editors', members: 1, permissions: ['blog.add_post', 'blog.change_post'] },
      ]);
      // Rows made as Django's create_permissions names them.
      expect(await perms.listPermissions()).toEqual([
        { codename: 'blog.add_post', name: expect.stringMatching(/^(Can add post|add_post)$/) as unknown },
        { codename: 'blog.change_post', name: expect.stringMatching(/^(Can change post|change_post)$/) as unknown },
      ]);
    });

    it('reports as changed the members of a group whose permissions change, and nobody for a no-op', async () => {
      const [ana, bob, eve] = [await user('ana'), await user('bob'), await user('eve')];
      await perms.addUserToGroup(bob, 'editors');
      await perms.addUserToGroup(ana, 'editors');
      expect(await perms.groupMembers('editors')).toEqual([ana, bob]);
      expect(await perms.grantGroupPermission('editors', 'blog.publish')).toEqual([ana, bob]);
      expect(await perms.revokeGroupPermission('editors', 'blog.publish')).toEqual([ana, bob]);
      expect(await perms.revokeGroupPermission('editors', 'blog.publish')).toEqual([]);
      expect(await perms.revokeUserPermission(eve, 'blog.publish')).toEqual([]);
      expect(await perms.removeUserFromGroup(eve, 'editors')).toEqual([]);
      expect(await perms.removeUserFromGroup(ana, 'editors')).toEqual([ana]);
      expect(await perms.createGroup('empty')).toBe(true);
      expect(await perms.createGroup('empty')).toBe(false);
      expect(await perms.deleteGroup('editors')).toEqual([bob]);
      expect(await perms.deleteGroup('editors')).toEqual([]);
      expect(await perms.authorizationOf(bob)).toEqual({ groups: [], permissions: [] });
    });

    it('takes a burst of the same grants at once: every call succeeds, one reports the change', async () => {
      // On PostgreSQL the calls run on separate connections, so each finds the rows missing and
      // inserts them; all but one must meet the unique index without failing.
      const ana = await user('ana');
      const burst = 8;
      const toUser = await Promise.all(Array.from({ length: burst }, () => perms.grantUserPermission(ana, 'wiki.edit_page')));
      expect(toUser.flat()).toEqual([ana]);
      const toGroup = await Promise.all(Array.from({ length: burst }, () => perms.grantGroupPermission('wiki-editors', 'wiki.lock_page')));
      expect(toGroup.flat()).toEqual([]);
      const joined = await Promise.all(Array.from({ length: burst }, () => perms.addUserToGroup(ana, 'wiki-editors')));
      expect(joined.flat()).toEqual([ana]);
      expect(await perms.authorizationOf(ana)).toEqual({ groups: ['wiki-editors'], permissions: ['wiki.edit_page', 'wiki.lock_page'] });
      expect((await perms.listGroups()).filter((group) => group.name === 'wiki-editors')).toHaveLength(1);
    });

    it('refuses a permission not named app_label.codename', async () => {
      const ana = await user('ana');
      for (const bad of ['add_post', '.add_post', 'blog.', 'blog add.x']) {
        await expect(perms.grantUserPermission(ana, bad)).rejects.toThrow(RangeError);
      }
    });

    it('drops a deleted user from their groups', async () => {
      const ana = await user('ana');
      await perms.addUserToGroup(ana, 'editors');
      await perms.grantUserPermission(ana, 'blog.add_post');
      await store.deleteUser(ana);
      expect(await perms.groupMembers('editors')).toEqual([]);
    });

    it('gives an active superuser every permission and an inactive user none (Django ModelBackend)', async () => {
      const [root, gone, ana] = [await user('root', { isSuperuser: true }), await user('gone', { isActive: false }), await user('ana')];
      await perms.grantUserPermission(gone, 'blog.add_post');
      await perms.grantUserPermission(ana, 'blog.add_post');
      const view = async (id: number) => requestUserOf((await store.findUser('id', id))!, await perms.authorizationOf(id));
      expect((await view(root)).hasPermissions('blog.add_post', 'any.thing')).toBe(true);
      expect((await view(gone)).hasPermission('blog.add_post')).toBe(false);
      expect((await view(ana)).hasPermission('blog.add_post')).toBe(true);
      expect((await view(ana)).hasPermissions('blog.add_post', 'blog.delete_post')).toBe(false);
    });

    it('drops cached authorizations of every user a change touched, and tells other processes', async () => {
      const cached = withUserCache(store, { ttlSeconds: 60 });
      const told: number[] = [];
      cached.onUserChanged((id) => told.push(id));
      const [ana, bob] = [await user('ana'), await user('bob')];
      await cached.permissions!.addUserToGroup(ana, 'editors');
      await cached.permissions!.addUserToGroup(bob, 'editors');
      expect((await cached.findCachedAuthorization(ana)).permissions).toEqual([]);
      told.length = 0;
      await cached.permissions!.grantGroupPermission('editors', 'blog.add_post');
      expect(told).toEqual([ana, bob]);
      expect((await cached.findCachedAuthorization(ana)).permissions).toEqual(['blog.add_post']);
      // A change made behind the cache's back is not seen until invalidated (or the TTL).
      await store.permissions!.removeUserFromGroup(ana, 'editors');
      expect((await cached.findCachedAuthorization(ana)).groups).toEqual(['editors']);
      cached.invalidateUser(ana);
      expect((await cached.findCachedAuthorization(ana)).groups).toEqual([]);
    });
  });
}
