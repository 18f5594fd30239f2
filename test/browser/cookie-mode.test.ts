/**
 * Cookie mode, CSRF and the client in a real browser: Debian's Chromium driven by
 * playwright-core, against the bundled server started through the CLI.
 *
 * Three origins on loopback: the API (http://127.0.0.1:A), the trusted front end
 * (http://127.0.0.1:T: same site, another origin, listed in CSRF_TRUSTED_ORIGINS and
 * CORS_ALLOWED_ORIGINS) and an attacker (http://127.0.0.2:E: another site). The cookies are
 * `__Host-access` and `__Secure-refresh` with SameSite=None, so that the browser does send them
 * on the attacker's requests: what refuses those is the CSRF check, not SameSite.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'libsql';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';

const CHROMIUM = '/usr/bin/chromium';
const CLIENT_DIST = resolve(import.meta.dirname, '../../dist/client');
const ACCESS_COOKIE = '__Host-access';
const REFRESH_COOKIE = '__Secure-refresh';
const LOGIN = { username: SUPERUSER.username, password: SUPERUSER.password };

let api: CliServerProcess;
let front: Server;
let attacker: Server;
let frontOrigin: string;
let attackerOrigin: string;
let context: BrowserContext;
let userDataDir: string;

/** Serves `pages` (path to HTML) and the built client under /client/, on `host`. */
async function staticServer(host: string, pages: Record<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const page = pages[path];
    if (page !== undefined) {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(page);
    } else if (/^\/client\/[\w-]+\.js$/.test(path)) {
      response.setHeader('content-type', 'text/javascript');
      response.end(readFileSync(join(CLIENT_DIST, path.slice('/client/'.length))));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((listening) => server.listen(0, host, listening));
  return server;
}

const originOf = (server: Server, host: string) => `http://${host}:${(server.address() as AddressInfo).port}`;

/** The trusted front end's page: the client in cookie mode, its auth changes and call results counted. */
function tabPage(apiUrl: string): string {
  return `<!doctype html><html lang="en"><head><title>tab</title></head><body><script type="module">
import { createTesseraClient } from '/client/index.js';
const auth = createTesseraClient({ baseUrl: ${JSON.stringify(apiUrl)}, mode: 'cookie', storage: localStorage, refreshAt: 0.3, refreshJitter: 0.05, raceSettleMs: 100 });
const stats = { statuses: {}, signOuts: 0, signedOutAt: null, refreshed: 0 };
auth.onAuthChange((change) => {
  if (change.reason === 'refreshed' && !change.fromOtherTab) stats.refreshed += 1;
  if (!change.signedIn) { stats.signOuts += 1; stats.signedOutAt ??= Date.now(); }
});
window.auth = auth;
window.stats = stats;
window.callFor = async (ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end && auth.signedIn) {
    const answer = await auth.fetch('/protected/');
    stats.statuses[answer.status] = (stats.statuses[answer.status] ?? 0) + 1;
    await new Promise((wake) => setTimeout(wake, 100));
  }
};
window.ready = true;
</script></body></html>`;
}

/** The attacker's page: a form and fetches aimed at the API, with the victim's cookies riding along. */
function attackerPage(apiUrl: string): string {
  return `<!doctype html><html lang="en"><head><title>attacker</title></head><body>
<form id="refresh" method="POST" action="${apiUrl}/api/token/refresh/"><input type="hidden" name="x" value="1"></form>
<form id="logout-all" method="POST" action="${apiUrl}/api/token/logout-all/"></form>
</body></html>`;
}

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${frontOrigin}/tab.html`);
  await page.waitForFunction('window.ready === true');
  return page;
}

/** Reuse detections recorded by the server: families revoked because a rotated token came back. */
function reuseDetections(): number {
  const db = new Database(api.databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    const row = db.prepare("select count(*) as n from tessera_token_family where revoke_reason = 'reuse_detected'").get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

function outstandingTokens(): number {
  const db = new Database(api.databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    return (db.prepare('select count(*) as n from token_blacklist_outstandingtoken').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A cookie of the API's host, whatever its path. */
async function cookieValue(name: string): Promise<string> {
  const cookie = (await context.cookies()).find((each) => each.name === name && each.domain === '127.0.0.1');
  return cookie?.value ?? '';
}

/** Filled in once the API's address is known. */
const frontPages: Record<string, string> = {};
const attackerPages: Record<string, string> = {};

beforeAll(async () => {
  front = await staticServer('127.0.0.1', frontPages);
  frontOrigin = originOf(front, '127.0.0.1');
  attacker = await staticServer('127.0.0.2', attackerPages);
  attackerOrigin = originOf(attacker, '127.0.0.2');
  api = await startCliServer({
    TESSERA_ACCESS_TOKEN_LIFETIME: '2',
    TESSERA_ROTATE_REFRESH_TOKENS: 'true',
    TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
    TESSERA_JWT_AUTH_COOKIE: ACCESS_COOKIE,
    TESSERA_JWT_AUTH_REFRESH_COOKIE: REFRESH_COOKIE,
    TESSERA_JWT_AUTH_SAMESITE: 'None',
    TESSERA_CSRF_TRUSTED_ORIGINS: frontOrigin,
    TESSERA_CORS_ALLOWED_ORIGINS: frontOrigin,
    TESSERA_CORS_ALLOW_CREDENTIALS: 'true',
    // The browser's requests come from loopback: throttling would only slow the test down.
    TESSERA_THROTTLE_LOGIN_IP: 'off',
  });
  // The pages need the API's address, known only now.
  frontPages['/tab.html'] = tabPage(api.baseUrl);
  attackerPages['/attack.html'] = attackerPage(api.baseUrl);
  userDataDir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  await api?.stop();
  front?.close();
  attacker?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
});

describe('cookie mode in Chromium', () => {
  it(
    'refuses cross-site form posts and fetches to refresh and logout-all (403); the trusted origin with X-CSRFToken succeeds',
    { timeout: 60_000 },
    async () => {
      const tab = await openTab();
      await tab.evaluate(`window.auth.login(${JSON.stringify(LOGIN)})`);
      // No refresh on a timer here: any change to the refresh cookie would be the attacker's.
      await tab.evaluate('window.auth.close()');
      const refreshBefore = await cookieValue(REFRESH_COOKIE);
      expect(refreshBefore).not.toBe('');

      for (const form of ['refresh', 'logout-all']) {
        const evil = await context.newPage();
        await evil.goto(`${attackerOrigin}/attack.html`);
        const [answer] = await Promise.all([
          evil.waitForResponse((response) => response.request().method() === 'POST'),
          evil.evaluate(`document.getElementById('${form}').submit()`),
        ]);
        // The browser did send the cookies (SameSite=None): the CSRF check refused them.
        expect((await answer.request().allHeaders()).cookie ?? '').toContain(`${REFRESH_COOKIE}=`);
        expect(answer.status(), form).toBe(403);
        await evil.close();
      }
      const evil = await context.newPage();
      await evil.goto(`${attackerOrigin}/attack.html`);
      for (const path of ['/api/token/refresh/', '/api/token/logout-all/']) {
        const [answer] = await Promise.all([
          evil.waitForResponse((response) => response.url().endsWith(path)),
          // no-cors: the attacker cannot read the answer anyway, and the browser sends it with the cookies.
          evil.evaluate(
            `fetch(${JSON.stringify(api.baseUrl + path)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'x=1' }).then(() => 'sent')`,
          ),
        ]);
        // Chromium keeps third-party cookies back from a cross-site fetch; the Origin check refuses it either way.
        expect(answer.status(), path).toBe(403);
      }
      // Nothing changed: the refresh cookie was not rotated, the session was not ended.
      expect(await cookieValue(REFRESH_COOKIE)).toBe(refreshBefore);
      expect(reuseDetections()).toBe(0);

      // The same calls from the trusted front end, with the CSRF token, succeed.
      const csrf = await cookieValue('csrftoken');
      const call = (path: string) =>
        tab.evaluate(
          `fetch(${JSON.stringify(api.baseUrl + path)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-csrftoken': ${JSON.stringify(csrf)} }, body: '{}' }).then((answer) => answer.status)`,
        );
      expect(await call('/api/token/refresh/')).toBe(200);
      expect(await cookieValue(REFRESH_COOKIE)).not.toBe(refreshBefore);
      expect(await call('/api/token/logout-all/')).toBe(200);
      expect(await cookieValue(REFRESH_COOKIE)).toBe('');
      // The client learns it on its next call; logging out clears what it stored.
      await tab.evaluate('window.auth.logout().catch(() => undefined)');
      await evil.close();
      await tab.close();
    },
  );

  it('never sends the refresh cookie to /protected/', { timeout: 60_000 }, async () => {
    const tab = await openTab();
    const sent: { path: string; cookie: string }[] = [];
    tab.on('request', (request) => {
      void request.allHeaders().then((headers) => sent.push({ path: new URL(request.url()).pathname, cookie: headers.cookie ?? '' }));
    });
    await tab.evaluate(`window.auth.login(${JSON.stringify(LOGIN)})`);
    await tab.evaluate('window.auth.refresh()');
    await tab.evaluate('window.callFor(1000)');
    await expect.poll(() => sent.filter((request) => request.path === '/protected/').length).toBeGreaterThan(0);
    const toProtected = sent.filter((request) => request.path === '/protected/' && request.cookie !== '');
    expect(toProtected.length).toBeGreaterThan(0);
    for (const request of toProtected) {
      expect(request.cookie).toContain(`${ACCESS_COOKIE}=`);
      expect(request.cookie).not.toContain(`${REFRESH_COOKIE}=`);
    }
    expect(sent.some((request) => request.path === '/api/token/refresh/' && request.cookie.includes(`${REFRESH_COOKIE}=`))).toBe(true);
    expect((await context.cookies(`${api.baseUrl}/protected/`)).map((cookie) => cookie.name).sort()).toEqual([ACCESS_COOKIE, 'csrftoken']);
    await tab.evaluate('window.auth.logout()');
    await tab.close();
  });

  it(
    'three tabs, 2-second tokens, 30 seconds of calls: no sign-out, no reuse detected; a replay after the grace signs every tab out',
    { timeout: 120_000 },
    async () => {
      const tabs = [await openTab(), await openTab(), await openTab()];
      const tokensBefore = outstandingTokens();
      await tabs[0]?.evaluate(`window.auth.login(${JSON.stringify(LOGIN)})`);
      await expect
        .poll(() => Promise.all(tabs.map((tab) => tab.evaluate('window.auth.signedIn'))), { timeout: 5000 })
        .toEqual([true, true, true]);
      const stolen = await cookieValue(REFRESH_COOKIE);
      const csrf = await cookieValue('csrftoken');

      await Promise.all(tabs.map((tab) => tab.evaluate('window.callFor(30000)')));
      const stats = (await Promise.all(tabs.map((tab) => tab.evaluate('window.stats')))) as {
        statuses: Record<string, number>;
        signOuts: number;
        refreshed: number;
      }[];
      const refreshes = outstandingTokens() - tokensBefore - 1;
      console.info(
        `three tabs, 30 s: calls per tab ${stats.map((each) => JSON.stringify(each.statuses)).join(' ')}; refreshes by tab ${stats.map((each) => each.refreshed).join(', ')}; ${refreshes} rotations in all`,
      );
      expect(stats.map((each) => each.signOuts)).toEqual([0, 0, 0]);
      for (const each of stats) expect(Object.keys(each.statuses)).toEqual(['200']);
      expect(reuseDetections()).toBe(0);
      // N tabs make one refresh, not N: at most one rotation per refresh period (0.25 s at the shortest), not three.
      expect(refreshes).toBeGreaterThan(10);
      expect(refreshes).toBeLessThanOrEqual(30_000 / 500 + 5);

      // A thief replays the refresh cookie stolen 30 s ago (its successor long used): the session ends.
      const replayedAt = Date.now();
      const replay = await fetch(`${api.baseUrl}/api/token/refresh/`, {
        method: 'POST',
        headers: {
          origin: frontOrigin,
          'content-type': 'application/json',
          cookie: `${REFRESH_COOKIE}=${stolen}; csrftoken=${csrf}`,
          'x-csrftoken': csrf,
        },
        body: '{}',
      });
      expect(replay.status).toBe(401);
      expect(reuseDetections()).toBe(1);
      // Counted once the replay is answered: the tabs' timers keep refreshing until then, and a
      // refresh the server answered before the replay is a legitimate one.
      const refreshedBefore = ((await Promise.all(tabs.map((tab) => tab.evaluate('window.stats')))) as { refreshed: number }[]).map(
        (each) => each.refreshed,
      );
      await Promise.all(tabs.map((tab) => tab.evaluate('window.callFor(5000)')));
      await expect
        .poll(() => Promise.all(tabs.map((tab) => tab.evaluate('window.auth.signedIn'))), { timeout: 5000 })
        .toEqual([false, false, false]);
      const after = (await Promise.all(tabs.map((tab) => tab.evaluate('window.stats')))) as {
        signOuts: number;
        refreshed: number;
        signedOutAt: number;
      }[];
      // Signed out by the very next refresh after the replay: no tab refreshed successfully again.
      expect(after.map((each) => each.refreshed)).toEqual(refreshedBefore);
      expect(after.map((each) => each.signOuts)).toEqual([1, 1, 1]);
      console.info(`replay to every tab signed out: ${Math.max(...after.map((each) => each.signedOutAt)) - replayedAt} ms`);
      for (const tab of tabs) await tab.close();
    },
  );
});
