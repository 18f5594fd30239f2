/**
 * The admin console mounted in an app by each adapter (the `adminConsole` mount option), over
 * real HTTP: a staff member signs in and lists the users, with the console's links, redirects
 * and cookies under the path the app chose, its CSRF checks on, and its own stylesheet served.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTERS, startAdapterApp, type AppOptions, type RunningAdapterApp } from '../support/adapter-apps.js';
import { SUPERUSER } from '../support/cli-server.js';
import { checkedConsolePath } from '../../src/adapters/mounted-console.js';

/** A browser for one origin: keeps cookies (honouring `Max-Age=0`), follows no redirect. */
class Browser {
  readonly cookies = new Map<string, string>();
  readonly cookieLines: string[] = [];

  constructor(private readonly baseUrl: string) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; location: string | null; body: string; type: string | null }> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (init.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
      headers,
      redirect: 'manual',
      ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
    });
    for (const line of response.headers.getSetCookie()) {
      this.cookieLines.push(line);
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (/;\s*Max-Age=0/i.test(line)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: await response.text(),
      type: response.headers.get('content-type'),
    };
  }
}

function csrfTokenIn(html: string): string {
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error('no csrf_token on the page');
  return token;
}

describe.each(ADAPTERS)('%s adapter: the admin console in an app', (adapter) => {
  const running: RunningAdapterApp[] = [];
  afterAll(async () => {
    for (const app of running) await app.stop();
  });
  async function start(options: AppOptions): Promise<RunningAdapterApp> {
    const app = await startAdapterApp(adapter, {}, options);
    running.push(app);
    return app;
  }

  it.each([
    ['at the root of the app', '', '/staff/'],
    ['under the path the app mounts Tessera at', '/v1', '/admin/'],
  ])('signs staff in and lists the users, %s', async (_where, mountPath, consolePath) => {
    const app = await start({ mountPath, mount: { adminConsole: consolePath } });
    const root = `${mountPath}${consolePath}`;
    const browser = new Browser(app.baseUrl);

    const anonymous = await browser.request(`${root}users/`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toBe(`${root}login/?next=${encodeURIComponent(`${root}users/`)}`);
    expect((await browser.request(root.slice(0, -1))).location).toBe(root);

    const form = await browser.request(`${root}login/?next=${encodeURIComponent(`${root}users/`)}`);
    expect(form.status).toBe(200);
    expect(form.body).toContain(`action="${root}login/"`);
    expect(browser.cookieLines.at(-1)).toMatch(new RegExp(`^tessera_admin_csrf=[\\w-]{43}; Path=${root}; HttpOnly; SameSite=Strict$`));

    // The sign-in form's double-submit check: without the token, nobody is signed in.
    const forged = await browser.request(`${root}login/`, { form: { username: SUPERUSER.username, password: SUPERUSER.password } });
    expect(forged.status).toBe(403);

    const signIn = await browser.request(`${root}login/`, {
      form: { csrf_token: csrfTokenIn(form.body), next: `${root}users/`, username: SUPERUSER.username, password: SUPERUSER.password },
    });
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe(`${root}users/`);
    expect(browser.cookieLines.find((line) => line.startsWith('tessera_admin_session='))).toMatch(
      new RegExp(`^tessera_admin_session=[\\w-]{43}; Path=${root}; HttpOnly; SameSite=Strict$`),
    );

    const users = await browser.request(`${root}users/`);
    expect(users.status).toBe(200);
    expect(users.body).toContain(`<a href="${root}users/1/">${SUPERUSER.username}</a>`);
    expect(users.body).toContain(`action="${root}logout/"`);
    expect(users.body).not.toMatch(/="\/(admin|static)\//);

    // The page's stylesheet is served under the console's path.
    const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(users.body)?.[1] ?? '';
    expect(stylesheet.startsWith(`${root}static/`)).toBe(true);
    const css = await browser.request(stylesheet);
    expect([css.status, css.type]).toEqual([200, 'text/css; charset=utf-8']);

    // Signed in, a POST still needs the session's CSRF token.
    expect((await browser.request(`${root}logout/`, { form: {} })).status).toBe(403);
    const signOut = await browser.request(`${root}logout/`, { form: { csrf_token: csrfTokenIn(users.body) } });
    expect(signOut.status).toBe(303);
    expect((await browser.request(`${root}users/`)).status).toBe(302);
  });

  it('serves no console unless asked', async () => {
    const app = await start({});
    expect((await new Browser(app.baseUrl).request('/admin/')).status).toBe(404);
  });
});

describe('the adminConsole mount option', () => {
  it('is a path of plain segments with both slashes, not / itself', () => {
    expect(checkedConsolePath('/internal/admin/')).toBe('/internal/admin/');
    for (const bad of ['/', 'admin/', '/admin', '/a//b/', '/:x/']) expect(() => checkedConsolePath(bad)).toThrow(/adminConsole/);
  });
});
