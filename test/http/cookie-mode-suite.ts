/**
 * Cookie mode, CSRF and CORS over real HTTP, run by the API suite against the bundled server
 * and every adapter: what a browser front end relies on, and what an attacker's page must not
 * be able to do. Requests here carry the headers a browser sends (`Origin`, `Sec-Fetch-Site`);
 * test/browser/cookie-mode.test.ts does the same in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KYOKO, type StartApi, type ServedApi } from './api-suite.js';

const FRONT = 'http://front.test';
const EVIL = 'http://evil.test';
const BROWSER = { origin: FRONT, 'sec-fetch-site': 'same-site' };

export const COOKIE_MODE_ENV: Record<string, string> = {
  TESSERA_JWT_AUTH_COOKIE: 'access',
  TESSERA_JWT_AUTH_REFRESH_COOKIE: 'refresh',
  TESSERA_JWT_AUTH_RETURN_EXPIRATION: 'true',
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  TESSERA_CSRF_TRUSTED_ORIGINS: FRONT,
  TESSERA_CORS_ALLOWED_ORIGINS: FRONT,
  TESSERA_CORS_ALLOW_CREDENTIALS: 'true',
  // Access tokens name their session: CSRF tokens are bound to it, and logging out refuses it.
  TESSERA_TOKEN_SESSION_CLAIM: 'sid',
};

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
  /** `Set-Cookie` lines by cookie name. */
  readonly cookies: Record<string, string>;
}

/** A browser's cookie jar, as far as these tests need one: name to value. */
type Jar = Record<string, string>;

function cookieHeader(jar: Jar): string {
  return Object.entries(jar)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

/** The value a `Set-Cookie` line sets. */
function valueOf(line: string | undefined): string {
  return line?.split(';')[0]?.split('=').slice(1).join('=') ?? '';
}

export function describeCookieMode(name: string, start: StartApi): void {
  describe(`${name}: cookie mode, CSRF and CORS`, () => {
    let served: ServedApi;

    async function send(
      method: string,
      path: string,
      options: { headers?: Record<string, string>; jar?: Jar; body?: unknown } = {},
    ): Promise<Answer> {
      const headers: Record<string, string> = { ...options.headers };
      if (options.jar !== undefined) headers.cookie = cookieHeader(options.jar);
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${served.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.text();
      const cookies: Record<string, string> = {};
      for (const line of response.headers.getSetCookie()) cookies[line.split('=')[0] ?? ''] = line;
      return {
        status: response.status,
        headers: response.headers,
        json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        cookies,
      };
    }

    /** Signs in as a browser on the trusted front end; returns its jar. */
    async function browserLogin(): Promise<Jar> {
      const answer = await send('POST', '/api/token/', { headers: BROWSER, body: KYOKO });
      expect(answer.status).toBe(200);
      return {
        access: valueOf(answer.cookies.access),
        refresh: valueOf(answer.cookies.refresh),
        csrftoken: valueOf(answer.cookies.csrftoken),
      };
    }

    /** The headers of an unsafe request from the trusted front end, with the CSRF token. */
    const trusted = (jar: Jar) => ({ ...BROWSER, 'x-csrftoken': jar.csrftoken ?? '' });

    beforeAll(async () => {
      served = await start(COOKIE_MODE_ENV);
    });
    afterAll(async () => served?.stop());

    it('gives a browser HttpOnly token cookies and a CSRF token, and keeps the refresh token out of the body', async () => {
      const answer = await send('POST', '/api/token/', { headers: BROWSER, body: KYOKO });
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.json)).toEqual(['access', 'access_expiration', 'refresh_expiration']);
      expect(answer.cookies.access).toMatch(/^access=ey[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(answer.cookies.refresh).toMatch(/^refresh=ey[^;]+; Max-Age=\d+; Path=\/api\/token\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(answer.cookies.csrftoken).toMatch(/^csrftoken=[\w-]+\.[\w-]+; Max-Age=\d+; Path=\/; Secure; SameSite=Lax$/);
      expect(answer.headers.get('x-csrftoken')).toBe(valueOf(answer.cookies.csrftoken));
      expect(answer.headers.get('access-control-allow-origin')).toBe(FRONT);
      expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
      expect(answer.headers.get('access-control-expose-headers')).toContain('x-csrftoken');
      expect(Date.parse(String(answer.json.access_expiration))).toBeGreaterThan(Date.now());
    });

    it('answers clients that are not browsers as simplejwt does: tokens in the body, no cookies, no CORS headers', async () => {
      const answer = await send('POST', '/api/token/', { body: KYOKO });
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.json)).toEqual(['refresh', 'access', 'access_expiration', 'refresh_expiration']);
      expect(answer.cookies).toEqual({});
      expect(answer.headers.get('vary')).toBe('Accept');
      // A body token always wins over a cookie: simplejwt clients are unaffected.
      const rotated = await send('POST', '/api/token/refresh/', {
        body: { refresh: answer.json.refresh },
        jar: { refresh: 'not-a-token' },
      });
      expect(rotated.status).toBe(200);
      expect(Object.keys(rotated.json)).toEqual(['access', 'refresh', 'access_expiration', 'refresh_expiration']);
    });

    it('protected routes accept the access cookie; a bad cookie is a 401 there and never blocks a login', async () => {
      const jar = await browserLogin();
      expect((await send('GET', '/protected/', { jar: { access: jar.access ?? '' } })).status).toBe(200);
      const refused = await send('GET', '/protected/', { jar: { access: 'expired.or.forged' } });
      expect(refused.status).toBe(401);
      expect(refused.json.code).toBe('token_not_valid');
      const login = await send('POST', '/api/token/', {
        headers: BROWSER,
        body: KYOKO,
        jar: { access: 'expired.or.forged', refresh: 'junk', csrftoken: 'junk' },
      });
      expect(login.status).toBe(200);
    });

    it('refuses an unsafe request a cookie authenticates without the CSRF token, from another site, or with another token', async () => {
      const jar = await browserLogin();
      const other = await browserLogin();
      const cases: Array<[Record<string, string>, Jar, string]> = [
        [BROWSER, jar, 'CSRF Failed: CSRF token missing.'],
        [BROWSER, { access: jar.access ?? '' }, 'CSRF Failed: CSRF cookie not set.'],
        [
          { ...trusted(jar), origin: EVIL, 'sec-fetch-site': 'cross-site' },
          jar,
          `CSRF Failed: Origin checking failed - ${EVIL} does not match any trusted origins.`,
        ],
        [
          { 'sec-fetch-site': 'cross-site', 'x-csrftoken': jar.csrftoken ?? '' },
          jar,
          'CSRF Failed: Origin checking failed - a cross-site request does not match any trusted origins.',
        ],
        // A token this server did not issue to this user, in cookie and header alike.
        [{ ...BROWSER, 'x-csrftoken': 'forged.token' }, { ...jar, csrftoken: 'forged.token' }, 'CSRF Failed: CSRF token incorrect.'],
      ];
      for (const [headers, cookies, detail] of cases) {
        const answer = await send('POST', '/protected/', { headers, jar: cookies });
        expect(answer.status, detail).toBe(403);
        expect(answer.json).toEqual({ detail });
      }
      expect(other.csrftoken).not.toBe(jar.csrftoken);
      // The same request with the token passes the check (the bundled /protected/ is GET-only: 405 after it).
      expect([200, 405]).toContain((await send('POST', '/protected/', { headers: trusted(jar), jar })).status);
      // A token header needs no CSRF token: no browser sends one on its own.
      const pair = (await send('POST', '/api/token/', { body: KYOKO })).json;
      expect([200, 405]).toContain(
        (await send('POST', '/protected/', { headers: { authorization: `Bearer ${String(pair.access)}` } })).status,
      );
    });

    it('refreshes from the refresh cookie only with the CSRF token; a refused refresh changes nothing', async () => {
      const jar = await browserLogin();
      const forged = await send('POST', '/api/token/refresh/', {
        headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
        jar,
        body: {},
      });
      expect(forged.status).toBe(403);
      expect(forged.cookies).toEqual({});
      const refreshed = await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar, body: {} });
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.json)).toEqual(['access', 'access_expiration', 'refresh_expiration']);
      expect(valueOf(refreshed.cookies.refresh)).not.toBe(jar.refresh);
      expect(valueOf(refreshed.cookies.access)).not.toBe('');
    });

    it('a replay inside the grace sets the successor cookie again; once the successor is used, a replay ends the session', async () => {
      const jar = await browserLogin();
      const first = await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar, body: {} });
      const successor = valueOf(first.cookies.refresh);
      // Another tab's request, sent with the old cookie just before the rotation landed.
      const replay = await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar, body: {} });
      expect(replay.status).toBe(200);
      expect(valueOf(replay.cookies.refresh)).toBe(successor);
      // The successor is used: the old token coming back now is a replay, and revokes the family.
      const next = await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar: { ...jar, refresh: successor }, body: {} });
      expect(next.status).toBe(200);
      const late = await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar, body: {} });
      expect(late.status).toBe(401);
      expect(late.cookies).toEqual({});
      const newest = valueOf(next.cookies.refresh);
      expect(
        (await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar: { ...jar, refresh: newest }, body: {} })).status,
      ).toBe(401);
    });

    it('concurrent refreshes of one cookie all get the same successor, and none clears it', async () => {
      const jar = await browserLogin();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => send('POST', '/api/token/refresh/', { headers: trusted(jar), jar, body: {} })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      const successors = new Set(answers.map((answer) => valueOf(answer.cookies.refresh)));
      expect(successors.size).toBe(1);
      expect(answers.every((answer) => !Object.values(answer.cookies).some((line) => line.includes('Max-Age=0')))).toBe(true);
      expect(
        (await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar: { ...jar, refresh: [...successors][0] ?? '' }, body: {} }))
          .status,
      ).toBe(200);
    });

    it('logout blacklists the refresh cookie and clears every cookie with the attributes it was set with, even when refused', async () => {
      const jar = await browserLogin();
      const logout = await send('POST', '/api/token/blacklist/', { headers: trusted(jar), jar, body: {} });
      expect(logout.status).toBe(200);
      expect(logout.cookies.access).toMatch(
        /^access=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/,
      );
      expect(logout.cookies.refresh).toMatch(/^refresh=; Max-Age=0; Path=\/api\/token\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      expect(logout.cookies.csrftoken).toMatch(/^csrftoken=; Max-Age=0; Path=\/; Expires=[^;]+; Secure; SameSite=Lax$/);
      const again = await send('POST', '/api/token/blacklist/', { headers: trusted(jar), jar, body: {} });
      expect(again.status).toBe(401);
      expect(Object.keys(again.cookies).sort()).toEqual(['access', 'csrftoken', 'refresh']);
      expect((await send('POST', '/api/token/refresh/', { headers: trusted(jar), jar, body: {} })).status).toBe(401);
      // From another site, logout is refused and clears nothing.
      const other = await browserLogin();
      const forged = await send('POST', '/api/token/blacklist/', {
        headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
        jar: other,
        body: {},
      });
      expect(forged.status).toBe(403);
      expect(forged.cookies).toEqual({});
    });

    it('logout-all by cookie needs the CSRF token, then ends every session and clears the cookies', async () => {
      const jar = await browserLogin();
      const elsewhere = await browserLogin();
      expect(
        (await send('POST', '/api/token/logout-all/', { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' }, jar })).status,
      ).toBe(403);
      const everywhere = await send('POST', '/api/token/logout-all/', { headers: trusted(jar), jar });
      expect(everywhere.status).toBe(200);
      expect(Object.keys(everywhere.cookies).sort()).toEqual(['access', 'csrftoken', 'refresh']);
      expect((await send('POST', '/api/token/refresh/', { headers: trusted(elsewhere), jar: elsewhere, body: {} })).status).toBe(401);
    });

    it('answers preflights for allowed origins only, and adds nothing for requests without Origin', async () => {
      const preflight = {
        origin: FRONT,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-csrftoken',
      };
      const allowed = await send('OPTIONS', '/api/token/refresh/', { headers: preflight });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(FRONT);
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('x-csrftoken');
      expect(allowed.headers.get('access-control-max-age')).toBe('86400');
      const refused = await send('OPTIONS', '/api/token/refresh/', { headers: { ...preflight, origin: EVIL } });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const fromEvil = await send('GET', '/protected/', { headers: { origin: EVIL } });
      expect(fromEvil.headers.get('access-control-allow-origin')).toBeNull();
      // DRF's own OPTIONS answer is untouched for requests that are not preflights.
      const metadata = await send('OPTIONS', '/api/token/refresh/');
      expect(metadata.json.name).toBe('Token Refresh');
      expect(metadata.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('binds the CSRF token to the session: another session of the same user cannot reuse it', async () => {
      const [mine, other] = [await browserLogin(), await browserLogin()];
      const borrowed = { ...mine, csrftoken: other.csrftoken ?? '' };
      const refused = await send('POST', '/protected/', { headers: trusted(borrowed), jar: borrowed });
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual({ detail: 'CSRF Failed: CSRF token incorrect.' });
      const refresh = await send('POST', '/api/token/refresh/', { headers: trusted(borrowed), jar: borrowed, body: {} });
      expect(refresh.json).toEqual({ detail: 'CSRF Failed: CSRF token incorrect.' });
      expect([200, 405]).toContain((await send('POST', '/protected/', { headers: trusted(mine), jar: mine })).status);
      expect([200, 405]).toContain((await send('POST', '/protected/', { headers: trusted(other), jar: other })).status);
    });

    it('logging out one session by cookie refuses its access cookie at once; the same user’s other session keeps working', async () => {
      const [mine, other] = [await browserLogin(), await browserLogin()];
      expect((await send('GET', '/protected/', { headers: BROWSER, jar: { access: mine.access ?? '' } })).status).toBe(200);
      expect((await send('POST', '/api/token/blacklist/', { headers: trusted(mine), jar: mine, body: {} })).status).toBe(200);
      expect((await send('GET', '/protected/', { headers: BROWSER, jar: { access: mine.access ?? '' } })).status).toBe(401);
      expect((await send('GET', '/protected/', { headers: BROWSER, jar: { access: other.access ?? '' } })).status).toBe(200);
    });

    it('GET <prefix>csrf/ gives a signed-in browser its CSRF token again (a front end on another site after a reload)', async () => {
      const jar = await browserLogin();
      const answer = await send('GET', '/api/token/csrf/', { headers: BROWSER, jar: { refresh: jar.refresh ?? '' } });
      expect(answer.status).toBe(200);
      const token = String(answer.json.csrftoken);
      expect(answer.headers.get('x-csrftoken')).toBe(token);
      expect(
        (
          await send('POST', '/api/token/refresh/', {
            headers: { ...BROWSER, 'x-csrftoken': token },
            jar: { refresh: jar.refresh ?? '', csrftoken: token },
            body: {},
          })
        ).status,
      ).toBe(200);
      expect((await send('GET', '/api/token/csrf/', { headers: BROWSER })).status).toBe(401);
    });
  });
}
