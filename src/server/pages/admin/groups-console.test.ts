/**
 * Groups and permissions in the admin console over HTTP (issue 15): the groups screens, a user's
 * groups and direct permissions, who may change them, what each change does to tokens
 * (REVOKE_ON_PRIVILEGE_CHANGE), the audit trail, and escaping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleBrowser, startPagesApp, type PagesApp } from '../../../../test/support/pages-app.js';
import { SUPERUSER } from '../../../../test/support/cli-server.js';

const STRONG = 'piedra-lunar-7';

describe('groups and permissions in the admin console', () => {
  let served: PagesApp;
  let admin: ConsoleBrowser;
  let csrf_token: string;

  async function start(settings: Parameters<typeof startPagesApp>[0] = {}): Promise<void> {
    served = await startPagesApp(settings);
    admin = new ConsoleBrowser(served.app);
    await admin.signIn(SUPERUSER.username, SUPERUSER.password);
    csrf_token = await admin.csrfToken();
  }
  beforeEach(async () => start());
  afterEach(async () => served.close());

  const store = () => served.tessera.store;
  const permissions = () => store().permissions!;
  const audit = async () => (await store().audit?.listAudit()) ?? [];
  const accessOf = async (username: string) => {
    const reply = await served.app.inject({ method: 'POST', url: '/api/token/', payload: { username, password: STRONG } });
    expect(reply.statusCode).toBe(200);
    return (reply.json() as { access: string }).access;
  };
  const protectedWith = async (access: string) =>
    (await served.app.inject({ url: '/protected/', headers: { authorization: `Bearer ${access}` } })).statusCode;

  it('creates a group, sets its permissions, lists it, and deletes it', async () => {
    const listed = await admin.get('/admin/groups/');
    expect(listed.statusCode).toBe(200);
    expect(listed.body).toContain('There are no groups yet.');
    expect(listed.body).toContain('href="/admin/groups/" aria-current="page"');

    const empty = await admin.post('/admin/groups/', { csrf_token, name: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('This field is required.');
    const created = await admin.post('/admin/groups/', { csrf_token, name: ' editors ' });
    expect(created.statusCode).toBe(303);
    const [editors] = await permissions().listGroups();
    expect(editors?.name).toBe('editors');
    expect(created.headers.location).toBe(`/admin/groups/${editors?.id}/?done=group-created`);
    expect((await admin.post('/admin/groups/', { csrf_token, name: 'editors' })).body).toContain('Group with this Name already exists.');

    const base = `/admin/groups/${editors?.id}/`;
    const bad = await admin.post(base, [
      ['csrf_token', csrf_token],
      ['new_permission', 'publish'],
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Name each permission app_label.codename, such as blog.publish_post.');
    const saved = await admin.post(base, [
      ['csrf_token', csrf_token],
      ['new_permission', 'blog.publish_post blog.add_post'],
    ]);
    expect(saved.headers.location).toBe(`${base}?done=saved`);
    expect((await permissions().listGroups())[0]?.permissions).toEqual(['blog.add_post', 'blog.publish_post']);
    // Unchecking one revokes it; a choice the page did not offer is refused.
    const forged = await admin.post(base, [
      ['csrf_token', csrf_token],
      ['permission', 'auth.everything'],
    ]);
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('Select a valid choice. auth.everything is not one of the available choices.');
    await admin.post(base, [
      ['csrf_token', csrf_token],
      ['permission', 'blog.publish_post'],
    ]);
    expect((await permissions().listGroups())[0]?.permissions).toEqual(['blog.publish_post']);
    expect((await admin.get('/admin/groups/')).body).toContain('blog.publish_post');

    expect((await admin.post(`${base}delete/`, { csrf_token })).headers.location).toBe('/admin/groups/?done=group-deleted');
    expect(await permissions().listGroups()).toEqual([]);
    expect((await admin.get(base)).statusCode).toBe(404);
    expect((await audit()).map((entry) => entry.action).filter((action) => action.startsWith('group.'))).toEqual([
      'group.delete',
      'group.permissions',
      'group.permissions',
      'group.create',
    ]);
  });

  it("shows no user card and takes no change when the store cannot list a user's direct permissions", async () => {
    const ana = await served.addUser('ana', STRONG);
    // A PermissionStore written before directPermissionsOf existed (the method is optional).
    delete (permissions() as { directPermissionsOf?: unknown }).directPermissionsOf;
    const page = await admin.get(`/admin/users/${ana.id}/`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('id="privileges-heading"');
    expect((await admin.post(`/admin/users/${ana.id}/privileges/`, { csrf_token, group: 'editors' })).statusCode).toBe(404);
    expect(await permissions().listGroups()).toEqual([]);
  });

  it("sets a user's groups and direct permissions on their page, cutting their old tokens off", async () => {
    const ana = await served.addUser('ana', STRONG);
    await permissions().grantGroupPermission('editors', 'blog.publish_post');
    await permissions().createGroup('chiefs');
    const before = await accessOf('ana');
    const page = await admin.get(`/admin/users/${ana.id}/`);
    expect(page.body).toContain('Groups and permissions');
    expect(page.body).toContain('name="group" value="editors"');

    const saved = await admin.post(`/admin/users/${ana.id}/privileges/`, [
      ['csrf_token', csrf_token],
      ['group', 'editors'],
      ['new_permission', 'blog.delete_post'],
    ]);
    expect(saved.headers.location).toBe(`/admin/users/${ana.id}/?done=saved`);
    expect(await permissions().authorizationOf(ana.id)).toEqual({
      groups: ['editors'],
      permissions: ['blog.delete_post', 'blog.publish_post'],
    });
    expect(await permissions().directPermissionsOf?.(ana.id)).toEqual(['blog.delete_post']);
    // REVOKE_ON_PRIVILEGE_CHANGE (default on): the token minted before is refused at once.
    expect(await protectedWith(before)).toBe(401);
    expect(await protectedWith(await accessOf('ana'))).toBe(200);
    const shown = await admin.get(`/admin/users/${ana.id}/`);
    expect(shown.body).toContain('blog.delete_post, blog.publish_post');
    expect(shown.body).toMatch(/name="group" value="editors"\s+checked/);

    const entry = (await audit()).find((row) => row.action === 'user.privileges');
    expect(entry?.detail).toBe('groups: +editors; permissions: +blog.delete_post; 1 user changed; tokens issued before cut off');
    expect(entry?.targetUserId).toBe(ana.id);
    expect((await admin.get('/admin/audit/')).body).toContain('Changed a user&#39;s groups and permissions');

    // Taking everything away; sending the same again changes nothing.
    const none = [['csrf_token', csrf_token]] as [string, string][];
    expect((await admin.post(`/admin/users/${ana.id}/privileges/`, none)).headers.location).toBe(`/admin/users/${ana.id}/?done=saved`);
    expect(await permissions().authorizationOf(ana.id)).toEqual({ groups: [], permissions: [] });
    expect((await admin.post(`/admin/users/${ana.id}/privileges/`, none)).headers.location).toBe(`/admin/users/${ana.id}/?done=unchanged`);
  });

  it("cuts off every member's tokens when a group's permissions change", async () => {
    const ana = await served.addUser('ana', STRONG);
    await permissions().addUserToGroup(ana.id, 'editors');
    const [editors] = await permissions().listGroups();
    const before = await accessOf('ana');
    await admin.post(`/admin/groups/${editors?.id}/`, [
      ['csrf_token', csrf_token],
      ['new_permission', 'blog.publish_post'],
    ]);
    expect(await protectedWith(before)).toBe(401);
    expect((await audit()).find((row) => row.action === 'group.permissions')?.detail).toBe(
      'permissions: +blog.publish_post; 1 user changed; tokens issued before cut off',
    );
  });

  it('keeps tokens working when REVOKE_ON_PRIVILEGE_CHANGE is off, and says so on the page', async () => {
    await served.close();
    await start({ REVOKE_ON_PRIVILEGE_CHANGE: false });
    const ana = await served.addUser('ana', STRONG);
    await permissions().createGroup('editors');
    const before = await accessOf('ana');
    const page = await admin.get(`/admin/users/${ana.id}/`);
    expect(page.body).toContain('REVOKE_ON_PRIVILEGE_CHANGE is off');
    await admin.post(`/admin/users/${ana.id}/privileges/`, [
      ['csrf_token', csrf_token],
      ['group', 'editors'],
    ]);
    expect((await permissions().authorizationOf(ana.id)).groups).toEqual(['editors']);
    expect(await protectedWith(before)).toBe(200);
    expect((await audit()).find((row) => row.action === 'user.privileges')?.detail).toBe('groups: +editors; 1 user changed');
  });

  it('lets staff without superuser status look but not change, and refuses forms without the CSRF token', async () => {
    const ana = await served.addUser('ana', STRONG);
    await served.addUser('mod', STRONG, { isStaff: true });
    await permissions().createGroup('editors');
    const [editors] = await permissions().listGroups();
    const moderator = new ConsoleBrowser(served.app);
    await moderator.signIn('mod', STRONG);
    const token = await moderator.csrfToken();
    const page = await moderator.get(`/admin/users/${ana.id}/`);
    expect(page.body).toContain('Only a superuser can change groups and permissions.');
    expect(page.body).not.toContain('Save groups and permissions');
    expect((await moderator.get('/admin/groups/')).body).not.toContain('Create group');
    for (const [url, fields] of [
      [`/admin/users/${ana.id}/privileges/`, { csrf_token: token, group: 'editors' }],
      ['/admin/groups/', { csrf_token: token, name: 'chiefs' }],
      [`/admin/groups/${editors?.id}/`, { csrf_token: token, new_permission: 'blog.publish_post' }],
      [`/admin/groups/${editors?.id}/delete/`, { csrf_token: token }],
    ] as const) {
      const refused = await moderator.post(url, fields);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body).toContain('Only a superuser can change groups and permissions.');
    }
    expect(await permissions().listGroups()).toMatchObject([{ name: 'editors', members: 0, permissions: [] }]);
    expect((await admin.post(`/admin/users/${ana.id}/privileges/`, { group: 'editors' })).statusCode).toBe(403);
    expect((await permissions().authorizationOf(ana.id)).groups).toEqual([]);
  });

  it('escapes group and permission names wherever a page shows them', async () => {
    const ana = await served.addUser('ana', STRONG);
    await permissions().grantGroupPermission('<b>x</b>', 'blog.<i>y</i>');
    await permissions().addUserToGroup(ana.id, '<b>x</b>');
    const [group] = await permissions().listGroups();
    for (const url of ['/admin/groups/', `/admin/groups/${group?.id}/`, `/admin/users/${ana.id}/`]) {
      const body = (await admin.get(url)).body;
      expect(body, url).toContain('&lt;b&gt;x&lt;/b&gt;');
      expect(body, url).not.toContain('<b>x</b>');
      expect(body, url).not.toContain('<i>y</i>');
    }
  });
});
