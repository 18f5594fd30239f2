import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleBrowser, setCookiesOf, startPagesApp, type PagesApp } from '../../../../test/support/pages-app.js';
import { SUPERUSER } from '../../../../test/support/cli-server.js';

const STRONG = 'piedra-lunar-7';

describe('admin console over HTTP', () => {
  let served: PagesApp;
  beforeEach(async () => {
    served = await startPagesApp();
  });
  afterEach(async () => {
    await served.close();
  });
  const audit = async () => (await served.tessera.store.audit?.listAudit()) ?? [];

  describe('anonymous and non-staff visitors', () => {
    it('sends anonymous GETs to the sign-in page and refuses anonymous POSTs', async () => {
      const browser = new ConsoleBrowser(served.app);
      const page = await browser.get('/admin/users/?q=a');
      expect(page.statusCode).toBe(302);
      expect(page.headers.location).toBe('/admin/login/?next=%2Fadmin%2Fusers%2F%3Fq%3Da');
      const post = await browser.post('/admin/users/new/', { username: 'mallory', password: STRONG, password2: STRONG });
      expect(post.statusCode).toBe(403);
      expect(await served.tessera.store.findUser('username', 'mallory')).toBeUndefined();
      expect((await served.app.inject({ url: '/admin' })).headers.location).toBe('/admin/');
    });

    it('refuses a non-staff user with the right password, and a wrong password, alike, and audits both', async () => {
      await served.addUser('amaya', STRONG);
      for (const [username, password] of [
        ['amaya', STRONG],
        [SUPERUSER.username, 'wrong-password'],
      ]) {
        const browser = new ConsoleBrowser(served.app);
        const answer = await browser.signIn(username ?? '', password ?? '');
        expect(answer.statusCode).toBe(403);
        expect(answer.body).toContain('Please enter the correct username and password for a staff account.');
        expect(browser.jar.get('tessera_admin_session')).toBeUndefined();
        expect((await browser.get('/admin/')).statusCode).toBe(302);
      }
      const refused = (await audit()).filter((entry) => entry.action === 'admin.sign_in_failed');
      expect(refused.map((entry) => [entry.actorUsername, entry.actorId, entry.detail])).toEqual([
        [SUPERUSER.username, null, 'wrong username or password, or inactive account'],
        ['amaya', null, 'not a staff account'],
      ]);
      expect(JSON.stringify(await audit())).not.toContain(STRONG);
    });

    it('ends the session of a staff member who loses staff status, at their next request', async () => {
      await served.addUser('mod', STRONG, { isStaff: true });
      const moderator = new ConsoleBrowser(served.app);
      expect((await moderator.signIn('mod', STRONG)).statusCode).toBe(303);
      expect((await moderator.get('/admin/')).statusCode).toBe(200);
      const mod = await served.tessera.store.findUser('username', 'mod');
      await served.tessera.store.updateUser(mod?.id ?? -1, { isStaff: false });
      const after = await moderator.get('/admin/');
      expect(after.statusCode).toBe(302);
      expect(after.headers.location).toContain('/admin/login/');
    });
  });

  describe('cookies', () => {
    it('sets the session cookie HttpOnly, SameSite=Strict, Path=/admin/, not Secure over plain HTTP', async () => {
      const browser = new ConsoleBrowser(served.app);
      const form = await browser.get('/admin/login/');
      expect(setCookiesOf(form)).toEqual([
        expect.stringMatching(/^tessera_admin_csrf=[\w-]{43}; Path=\/admin\/; HttpOnly; SameSite=Strict$/),
      ]);
      const answer = await browser.signIn(SUPERUSER.username, SUPERUSER.password);
      expect(answer.statusCode).toBe(303);
      expect(answer.headers.location).toBe('/admin/');
      const [session, clearedCsrf] = setCookiesOf(answer);
      expect(session).toMatch(/^tessera_admin_session=[\w-]{43}; Path=\/admin\/; HttpOnly; SameSite=Strict$/);
      expect(clearedCsrf).toBe('tessera_admin_csrf=; Path=/admin/; HttpOnly; SameSite=Strict; Max-Age=0');
      expect(answer.headers['cache-control']).toBe('no-store');
    });

    it('adds Secure when the request came over HTTPS (through a trusted proxy)', async () => {
      await served.close();
      served = await startPagesApp({ TRUST_PROXY: true });
      const browser = new ConsoleBrowser(served.app, { 'x-forwarded-proto': 'https' });
      const answer = await browser.signIn(SUPERUSER.username, SUPERUSER.password);
      expect(setCookiesOf(answer)[0]).toMatch(/^tessera_admin_session=[\w-]{43}; Path=\/admin\/; HttpOnly; SameSite=Strict; Secure$/);
    });

    it('signs out for real: the old cookie no longer opens the console', async () => {
      const browser = new ConsoleBrowser(served.app);
      await browser.signIn(SUPERUSER.username, SUPERUSER.password);
      const stolen = browser.jar.get('tessera_admin_session');
      const out = await browser.post('/admin/logout/', { csrf_token: await browser.csrfToken() });
      expect(out.statusCode).toBe(303);
      expect(setCookiesOf(out)).toEqual(['tessera_admin_session=; Path=/admin/; HttpOnly; SameSite=Strict; Max-Age=0']);
      const replay = await served.app.inject({ url: '/admin/', headers: { cookie: `tessera_admin_session=${stolen}` } });
      expect(replay.statusCode).toBe(302);
    });
  });

  describe('CSRF', () => {
    it('refuses a sign-in form without the pre-session cookie, or with another token', async () => {
      const browser = new ConsoleBrowser(served.app);
      const noCookie = await browser.post('/admin/login/', {
        csrf_token: 'x'.repeat(43),
        username: SUPERUSER.username,
        password: SUPERUSER.password,
      });
      expect(noCookie.statusCode).toBe(403);
      await browser.get('/admin/login/');
      const mismatch = await browser.post('/admin/login/', {
        csrf_token: 'y'.repeat(43),
        username: SUPERUSER.username,
        password: SUPERUSER.password,
      });
      expect(mismatch.statusCode).toBe(403);
      expect(mismatch.body).toContain('CSRF check failed');
      expect(browser.jar.get('tessera_admin_session')).toBeUndefined();
    });

    it('refuses signed-in POSTs without the session token, with a wrong one, or from another origin; audits the refusals', async () => {
      const browser = new ConsoleBrowser(served.app);
      await browser.signIn(SUPERUSER.username, SUPERUSER.password);
      const token = await browser.csrfToken();
      const user = { username: 'mallory', password: STRONG, password2: STRONG, is_active: 'on' };
      expect((await browser.post('/admin/users/new/', user)).statusCode).toBe(403);
      expect(
        (await browser.post('/admin/users/new/', { ...user, csrf_token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }))
          .statusCode,
      ).toBe(403);
      expect((await browser.post('/admin/users/new/', { ...user, csrf_token: token }, { origin: 'http://evil.example' })).statusCode).toBe(
        403,
      );
      expect((await browser.post('/admin/users/new/', { ...user, csrf_token: token }, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(
        403,
      );
      expect(await served.tessera.store.findUser('username', 'mallory')).toBeUndefined();
      expect((await audit()).filter((entry) => entry.action === 'admin.csrf_refused')).toHaveLength(4);

      const accepted = await browser.post('/admin/users/new/', { ...user, csrf_token: token }, { origin: 'http://localhost:80' });
      expect(accepted.statusCode).toBe(303);
      expect(await served.tessera.store.findUser('username', 'mallory')).toBeDefined();
    });
  });

  describe('users, tokens and the audit trail', () => {
    it('creates a user, sets a password, blacklists tokens and flushes, auditing each action', async () => {
      const browser = new ConsoleBrowser(served.app);
      await browser.signIn(SUPERUSER.username, SUPERUSER.password);
      const csrf_token = await browser.csrfToken();

      const weak = await browser.post('/admin/users/new/', {
        csrf_token,
        username: 'amaya',
        password: '12345',
        password2: '12345',
        is_active: 'on',
      });
      expect(weak.statusCode).toBe(400);
      expect(weak.body).toContain('This password is too short. It must contain at least 8 characters.');
      expect(weak.body).toContain('aria-invalid="true"');
      expect(weak.body).not.toContain('12345"');

      const created = await browser.post('/admin/users/new/', {
        csrf_token,
        username: 'amaya',
        email: 'amaya@example.com',
        password: STRONG,
        password2: STRONG,
        is_active: 'on',
      });
      expect(created.statusCode).toBe(303);
      const amaya = await served.tessera.store.findUser('username', 'amaya');
      expect(amaya).toMatchObject({ email: 'amaya@example.com', isActive: true, isStaff: false });
      expect(created.headers.location).toBe(`/admin/users/${amaya?.id}/?done=created`);

      const duplicate = await browser.post('/admin/users/new/', { csrf_token, username: 'amaya', password: STRONG, password2: STRONG });
      expect(duplicate.statusCode).toBe(400);
      expect(duplicate.body).toContain('A user with that username already exists.');

      // Two logins on the API: two families, two live refresh tokens.
      for (let i = 0; i < 2; i++) {
        const login = await served.app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'amaya', password: STRONG } });
        expect(login.statusCode).toBe(200);
      }
      const tokens = await served.tessera.store.listTokens({ userId: amaya?.id ?? -1 });
      const page = await browser.get(`/admin/users/${amaya?.id}/`);
      for (const token of tokens) {
        expect(page.body).toContain(token.jti);
        expect(page.body).toContain(token.familyId ?? 'no family');
      }

      const base = `/admin/users/${amaya?.id}/`;
      expect((await browser.post(`${base}tokens/blacklist/`, { csrf_token, jti: tokens[0]?.jti ?? '' })).headers.location).toBe(
        `${base}?done=blacklisted`,
      );
      expect((await browser.post(`${base}tokens/blacklist-all/`, { csrf_token })).headers.location).toBe(
        `${base}?done=blacklisted-all&n=1`,
      );
      expect(await served.tessera.store.isBlacklisted(tokens[1]?.jti ?? '')).toBe(true);

      const changed = await browser.post(`${base}`, {
        csrf_token,
        username: 'amaya',
        email: 'amaya@example.com',
        first_name: 'Amaya',
        is_active: 'on',
        is_staff: 'on',
      });
      expect(changed.headers.location).toBe(`${base}?done=saved`);
      const password = await browser.post(`${base}password/`, { csrf_token, password: 'otra-piedra-9', password2: 'otra-piedra-9' });
      expect(password.headers.location).toBe(`${base}?done=password&n=0`);
      expect(
        (await served.app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'amaya', password: 'otra-piedra-9' } }))
          .statusCode,
      ).toBe(200);
      expect((await browser.post('/admin/tokens/flush-expired/', { csrf_token })).headers.location).toBe('/admin/?done=flushed&n=0');

      // The console's own actions; the API logins above are audited too, as login.succeeded.
      const all = await audit();
      expect(all.filter((entry) => entry.action === 'login.succeeded')).toHaveLength(3);
      const entries = all.filter((entry) => entry.action !== 'login.succeeded');
      expect(entries.map((entry) => entry.action).reverse()).toEqual([
        'admin.sign_in',
        'user.create',
        'token.blacklist',
        'token.blacklist_all',
        'user.update',
        'user.set_password',
        'tokens.flush_expired',
      ]);
      expect(
        entries.every(
          (entry) => entry.actorUsername === SUPERUSER.username && entry.actorId === served.superuser.id && entry.ip === '127.0.0.1',
        ),
      ).toBe(true);
      expect(entries.find((entry) => entry.action === 'user.update')?.detail).toBe(
        'first name: “” → “Amaya”; staff: no → yes; tokens issued before cut off',
      );
      expect(entries.find((entry) => entry.action === 'token.blacklist')?.detail).toContain(tokens[0]?.jti);
      const serialised = JSON.stringify(entries);
      for (const secret of [STRONG, 'otra-piedra-9', '12345', '$argon2id$']) expect(serialised).not.toContain(secret);

      const log = await browser.get('/admin/audit/');
      expect(log.statusCode).toBe(200);
      for (const label of [
        'Signed in',
        'Created user',
        'Blacklisted token',
        'Blacklisted all of a user&#39;s tokens',
        'Changed user',
        'Set password',
        'Flushed expired tokens',
      ]) {
        expect(log.body).toContain(label);
      }
    });

    it("filters the audit log by action and by user, and a user's page shows their authentication events", async () => {
      const ines = await served.addUser('ines', STRONG);
      const login = (username: string, password: string) =>
        served.app.inject({ method: 'POST', url: '/api/token/', payload: { username, password } });
      expect((await login('ines', STRONG)).statusCode).toBe(200);
      expect((await login('ines', 'wrong-password-1')).statusCode).toBe(401);
      expect((await login('ines', 'wrong-password-2')).statusCode).toBe(401);
      const browser = new ConsoleBrowser(served.app);
      await browser.signIn(SUPERUSER.username, SUPERUSER.password);

      const failed = await browser.get('/admin/audit/?action=login.failed');
      expect(failed.statusCode).toBe(200);
      expect(failed.body.match(/<td>Login failed<\/td>/g)).toHaveLength(2);
      expect(failed.body).not.toContain('<td>Logged in</td>');
      expect(failed.body).toMatch(/<option value="login\.failed"\s+selected>/);

      const ofInes = await browser.get(`/admin/audit/?user=${ines.id}`);
      expect(ofInes.body).toContain('<td>Logged in</td>');
      expect(ofInes.body).not.toContain('<td>Signed in</td>');

      const page = await browser.get(`/admin/users/${ines.id}/`);
      expect(page.body).toContain('<td>Logged in</td>');
      // Failed attempts on an existing account show on its page: "was this account attacked?"
      expect(page.body.match(/<td>Login failed<\/td>/g)).toHaveLength(2);
      for (const secret of [STRONG, 'wrong-password-1']) expect(`${failed.body}${ofInes.body}${page.body}`).not.toContain(secret);
    });

    it('keeps staff without superuser status from granting it or changing staff accounts', async () => {
      await served.addUser('mod', STRONG, { isStaff: true });
      const moderator = new ConsoleBrowser(served.app);
      await moderator.signIn('mod', STRONG);
      const csrf_token = await moderator.csrfToken();
      const grant = await moderator.post('/admin/users/new/', {
        csrf_token,
        username: 'eve',
        password: STRONG,
        password2: STRONG,
        is_active: 'on',
        is_superuser: 'on',
      });
      expect(grant.statusCode).toBe(400);
      expect(grant.body).toContain('Only a superuser can grant staff or superuser status.');
      const takeover = await moderator.post(`/admin/users/${served.superuser.id}/password/`, {
        csrf_token,
        password: STRONG,
        password2: STRONG,
      });
      expect(takeover.statusCode).toBe(403);
      // Their own flags stay as they are, whatever the form says.
      const mod = await served.tessera.store.findUser('username', 'mod');
      await moderator.post(`/admin/users/${mod?.id}/`, { csrf_token, username: 'mod', is_superuser: 'on' });
      expect(await served.tessera.store.findUser('username', 'mod')).toMatchObject({
        isActive: true,
        isStaff: true,
        isSuperuser: false,
      });
    });

    it('cuts off the tokens of a user demoted or deactivated in the console at once (issue 15)', async () => {
      await served.addUser('mod', STRONG, { isStaff: true });
      const obtain = async () => {
        const reply = await served.app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'mod', password: STRONG } });
        expect(reply.statusCode).toBe(200);
        return (reply.json() as { access: string }).access;
      };
      const protectedWith = async (access: string) =>
        (await served.app.inject({ url: '/protected/', headers: { authorization: `Bearer ${access}` } })).statusCode;
      const staffAccess = await obtain();
      expect(await protectedWith(staffAccess)).toBe(200);
      const admin = new ConsoleBrowser(served.app);
      await admin.signIn(SUPERUSER.username, SUPERUSER.password);
      const mod = await served.tessera.store.findUser('username', 'mod');
      const saved = await admin.post(`/admin/users/${mod?.id}/`, { csrf_token: await admin.csrfToken(), username: 'mod', is_active: 'on' });
      expect(saved.statusCode).toBe(303);
      expect(await served.tessera.store.findUser('username', 'mod')).toMatchObject({ isStaff: false });
      // The token minted while staff is refused at once; a new login gets one that works.
      expect(await protectedWith(staffAccess)).toBe(401);
      const demotedAccess = await obtain();
      expect(await protectedWith(demotedAccess)).toBe(200);
      expect((await audit()).some((entry) => entry.action === 'user.update' && entry.detail.includes('tokens issued before cut off'))).toBe(
        true,
      );
    });

    it('escapes what users typed wherever a page shows it', async () => {
      await served.addUser('<b>x</b>', STRONG);
      const browser = new ConsoleBrowser(served.app);
      await browser.signIn(SUPERUSER.username, SUPERUSER.password);
      const list = await browser.get(`/admin/users/?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
      expect(list.body).not.toContain('<script>alert(1)');
      expect(list.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      const all = await browser.get('/admin/users/');
      expect(all.body).toContain('&lt;b&gt;x&lt;/b&gt;');
      expect(all.body).not.toContain('<b>x</b>');
    });

    it('sends a signed-in visitor back to where the sign-in began, never off the console', async () => {
      const browser = new ConsoleBrowser(served.app);
      const form = await browser.get('/admin/login/?next=/admin/audit/');
      const token = /name="csrf_token" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const back = await browser.post('/admin/login/', {
        csrf_token: token,
        next: '/admin/audit/',
        username: SUPERUSER.username,
        password: SUPERUSER.password,
      });
      expect(back.headers.location).toBe('/admin/audit/');
      await browser.post('/admin/logout/', { csrf_token: await browser.csrfToken() });
      for (const next of ['//evil.example/', 'https://evil.example/admin/', '/admin/\\evil']) {
        const again = new ConsoleBrowser(served.app);
        const page = await again.get('/admin/login/');
        const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
        const answer = await again.post('/admin/login/', {
          csrf_token: csrf,
          next,
          username: SUPERUSER.username,
          password: SUPERUSER.password,
        });
        expect(answer.headers.location).toBe('/admin/');
      }
    });
  });
});

describe('"Blacklist all" in the console with TOKEN_SESSION_CLAIM', () => {
  let served: PagesApp;
  afterEach(async () => served.close());

  it('refuses at once the access tokens of the sessions it revokes, even when the server had them cached as live', async () => {
    // A long cache TTL: only the revocation itself can make this process refuse the token.
    served = await startPagesApp({ TOKEN_SESSION_CLAIM: 'sid', USER_CACHE_TTL: 300 });
    const browser = new ConsoleBrowser(served.app);
    await browser.signIn(SUPERUSER.username, SUPERUSER.password);
    const csrf_token = await browser.csrfToken();
    const amaya = await served.addUser('amaya', 'piedra-lunar-7');
    const login = await served.app.inject({
      method: 'POST',
      url: '/api/token/',
      payload: { username: 'amaya', password: 'piedra-lunar-7' },
    });
    const { access } = login.json() as { access: string };
    const protectedWith = async () =>
      (await served.app.inject({ url: '/protected/', headers: { authorization: `Bearer ${access}` } })).statusCode;
    expect(await protectedWith()).toBe(200);
    const base = `/admin/users/${amaya.id}/`;
    expect((await browser.post(`${base}tokens/blacklist-all/`, { csrf_token })).headers.location).toBe(`${base}?done=blacklisted-all&n=1`);
    const [family] = (await served.tessera.store.listTokens({ userId: amaya.id })).map((token) => token.familyId);
    expect(await served.tessera.store.revocations?.sessionRevokedAt(family ?? '')).not.toBeNull();
    expect(await protectedWith()).toBe(401);
  });
});
