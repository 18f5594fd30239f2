/**
 * Groups and permissions changed with `tessera groups` / `tessera permissions` while two
 * instances serve one PostgreSQL, with Redis (issue 15): with REVOKE_ON_PRIVILEGE_CHANGE a group
 * removal cuts the user's old access token off at once on both instances; with
 * CLAIMS_ON_REFRESH=recompute and TOKEN_GROUPS_CLAIM the next refreshed access token carries a
 * group added since login.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf, client, KYOKO } from '../http/api-suite.js';
import { CLI, startCliServer, tessera, type CliServerProcess } from '../support/cli-server.js';
import { startPostgresPair, type PostgresPair } from '../support/postgres-pair.js';
import { statusSettled } from '../support/settled-status.js';

type Api = ReturnType<typeof client>;

async function login(api: Api, credentials: { username: string; password: string } = KYOKO): Promise<{ refresh: string; access: string }> {
  const reply = await api.post('/api/token/', credentials);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { refresh: string; access: string };
}

/** `tessera changepassword <username> --password-stdin`, the password piped in. */
function changePassword(username: string, password: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, 'changepassword', username, '--password-stdin'], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stderr }));
    child.stdin.end(password);
  });
}

describe('groups and permissions on two instances over one PostgreSQL, with Redis', () => {
  let pair: PostgresPair | undefined;
  let apiOne: Api;
  let apiTwo: Api;

  beforeAll(async () => {
    // A long cache TTL: only the Redis announcement can make the second instance see the change at once.
    pair = await startPostgresPair({ TESSERA_USER_CACHE_TTL: '300' });
    [apiOne, apiTwo] = [client(pair.one.baseUrl), client(pair.two.baseUrl)];
  });
  afterAll(async () => pair?.stop());

  it('cuts off at once, on both instances, the access token of a user taken out of a group', async () => {
    await tessera(['groups', 'add', KYOKO.username, 'editors'], pair!.one.env);
    const session = await login(apiOne);
    // Both instances have the user cached (TTL 300 s) with the group.
    expect((await apiOne.get('/protected/', session.access)).status).toBe(200);
    expect((await apiTwo.get('/protected/', session.access)).status).toBe(200);
    const removed = await tessera(['groups', 'remove', KYOKO.username, 'editors'], pair!.one.env);
    expect(removed.stdout).toContain('their tokens issued before are cut off');
    expect(await statusSettled(apiOne, session.access)).toBe(401);
    expect(await statusSettled(apiTwo, session.access)).toBe(401);
    expect((await apiTwo.get('/protected/', (await login(apiOne)).access)).status).toBe(200);
  });

  it('cuts off at once, on both instances, the access token of a user whose password tessera changepassword changed', async () => {
    const session = await login(apiOne);
    expect((await apiOne.get('/protected/', session.access)).status).toBe(200);
    expect((await apiTwo.get('/protected/', session.access)).status).toBe(200);
    const changed = await changePassword(KYOKO.username, 'fresh-basalt-93', pair!.one.env);
    expect(changed.code, changed.stderr).toBe(0);
    expect(await statusSettled(apiOne, session.access)).toBe(401);
    expect(await statusSettled(apiTwo, session.access)).toBe(401);
    const after = await login(apiTwo, { username: KYOKO.username, password: 'fresh-basalt-93' });
    expect((await apiOne.get('/protected/', after.access)).status).toBe(200);
    // Put the password back for the other tests of this file.
    expect((await changePassword(KYOKO.username, KYOKO.password, pair!.one.env)).code).toBe(0);
  });
});

describe('CLAIMS_ON_REFRESH=recompute with TOKEN_GROUPS_CLAIM and TOKEN_PERMISSIONS_CLAIM', () => {
  let server: CliServerProcess;
  let api: Api;
  beforeAll(async () => {
    server = await startCliServer({
      TESSERA_CLAIMS_ON_REFRESH: 'recompute',
      TESSERA_TOKEN_GROUPS_CLAIM: 'groups',
      TESSERA_TOKEN_PERMISSIONS_CLAIM: 'permissions',
      // Without the cut-off, the old refresh token survives the change: recompute is what freshens it.
      TESSERA_REVOKE_ON_PRIVILEGE_CHANGE: 'false',
    });
    api = client(server.baseUrl);
  });
  afterAll(() => server?.stop());

  it('puts a group added since login into the next refreshed access token', async () => {
    const session = await login(api);
    expect(claimsOf(session.access)).toMatchObject({ groups: [], permissions: [] });
    await tessera(['groups', 'grant', 'editors', 'blog.publish_post'], server.env);
    await tessera(['groups', 'add', KYOKO.username, 'editors'], server.env);
    const refreshed = await api.post('/api/token/refresh/', { refresh: session.refresh });
    expect(refreshed.status, refreshed.text).toBe(200);
    const { access } = refreshed.json as { access: string };
    expect(claimsOf(access)).toMatchObject({ groups: ['editors'], permissions: ['blog.publish_post'] });
    expect((await api.get('/protected/', access)).status).toBe(200);
  });
});
