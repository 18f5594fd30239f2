/**
 * `tessera/client` in cookie mode after a page reload (issue 14 item 4): a page on another
 * origin cannot read the API's `csrftoken` cookie, and its in-memory session is gone, so before
 * its first unsafe request the client asks `GET /api/token/csrf/` (the server answers from the
 * HttpOnly refresh cookie) and echoes that token. Real server, real HTTP; the "browser" is a
 * cookie jar that sends `Origin` as a browser does. CSRF tokens are bound to the session here
 * (TOKEN_SESSION_CLAIM), so the token fetched must be the session's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTesseraClient, type TesseraClient } from '../../src/client/index.js';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';

interface Call {
  readonly method: string;
  readonly path: string;
  readonly csrf: string | null;
  readonly status: number;
}

/** A browser as far as the server can tell: one cookie jar, `Origin` on every request. */
function browser(origin: string) {
  const jar = new Map<string, string>();
  const calls: Call[] = [];
  const browserFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set('origin', origin);
    headers.set('sec-fetch-site', 'same-origin');
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(new Request(request, { headers }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    calls.push({
      method: request.method,
      path: new URL(request.url).pathname,
      csrf: request.headers.get('x-csrftoken'),
      status: response.status,
    });
    return response;
  };
  return { fetch: browserFetch, calls, jar };
}

describe('tessera/client, cookie mode, after a reload', () => {
  let server: CliServerProcess;
  const pages: TesseraClient[] = [];
  const page = (fetchImpl: typeof fetch) => {
    const created = createTesseraClient({ baseUrl: server.baseUrl, mode: 'cookie', fetch: fetchImpl, channel: false });
    pages.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await startCliServer({
      TESSERA_JWT_AUTH_COOKIE: 'access',
      TESSERA_JWT_AUTH_REFRESH_COOKIE: 'refresh',
      TESSERA_JWT_AUTH_SECURE: 'false',
      TESSERA_ROTATE_REFRESH_TOKENS: 'true',
      TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
      TESSERA_TOKEN_SESSION_CLAIM: 'sid',
    });
  });
  afterAll(async () => {
    for (const created of pages) created.close();
    await server?.stop();
  });

  it('fetches GET /api/token/csrf/ before its first unsafe request, and that request passes the CSRF check', async () => {
    const tab = browser(server.baseUrl);
    await page(tab.fetch).login({ username: SUPERUSER.username, password: SUPERUSER.password });
    expect(tab.jar.has('refresh')).toBe(true);

    // The reload: a new page, nothing in memory, and (in Node, as on another origin) no readable csrftoken cookie.
    tab.calls.length = 0;
    const reloaded = page(tab.fetch);
    expect(await reloaded.restore()).toBe(true);
    const [first, second] = tab.calls;
    expect(first).toMatchObject({ method: 'GET', path: '/api/token/csrf/', status: 200 });
    expect(second).toMatchObject({ method: 'POST', path: '/api/token/refresh/', status: 200 });
    expect(second?.csrf).toBeTruthy();

    const answer = await reloaded.fetch('/api/token/logout-all/', { method: 'POST' });
    expect(answer.status).toBe(200);
    expect(tab.calls.filter((call) => call.path === '/api/token/csrf/')).toHaveLength(1);
  });

  it('asks once for many unsafe requests at once, and signs out cleanly when the server knows no session', async () => {
    const tab = browser(server.baseUrl);
    await page(tab.fetch).login({ username: SUPERUSER.username, password: SUPERUSER.password });
    tab.calls.length = 0;
    const reloaded = page(tab.fetch);
    const answers = await Promise.all(
      Array.from({ length: 3 }, () =>
        reloaded.fetch('/api/token/blacklist/', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
      ),
    );
    expect(tab.calls.filter((call) => call.path === '/api/token/csrf/')).toHaveLength(1);
    // The first logout passes the CSRF check (200); the others find the session gone, never a CSRF refusal.
    expect(answers.map((answer) => answer.status)).toContain(200);
    expect(answers.every((answer) => answer.status !== 403)).toBe(true);

    const stranger = browser(server.baseUrl);
    expect(await page(stranger.fetch).restore()).toBe(false);
    expect(stranger.calls[0]).toMatchObject({ method: 'GET', path: '/api/token/csrf/', status: 401 });
  });
});
