/**
 * `tessera/client` in bearer mode against the real bundled server (started through the CLI),
 * over real HTTP: sign-in, refresh ahead of expiry, one refresh for many 401s, one retry and
 * never a loop, tabs sharing one session over a real BroadcastChannel, network errors that back
 * off instead of signing out, and a refused refresh that signs every tab out.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTesseraClient,
  memoryStorage,
  TesseraClientError,
  TesseraNetworkError,
  type TesseraClient,
  type TesseraClientOptions,
} from '../../src/client/index.js';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import { callsTo, changesOf, recordingFetch, sleep, startRelay } from './support.js';

const LOGIN = { username: SUPERUSER.username, password: SUPERUSER.password };
const REFRESH = '/api/token/refresh/';
let server: CliServerProcess;
const clients: TesseraClient[] = [];
let channelCount = 0;

/** A client of the test server on a tab channel of its own (unless given one); closed after the file. */
function client(options: Partial<TesseraClientOptions> = {}): TesseraClient {
  const created = createTesseraClient({ baseUrl: server.baseUrl, channel: nextChannel(), ...options });
  clients.push(created);
  return created;
}

/** Tabs of one test: clients sharing a channel. */
function nextChannel(): string {
  channelCount += 1;
  return `test-${channelCount}`;
}

async function rawRefresh(refresh: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}${REFRESH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh }),
  });
  return response.status;
}

beforeAll(async () => {
  server = await startCliServer({
    TESSERA_ACCESS_TOKEN_LIFETIME: '2',
    TESSERA_ROTATE_REFRESH_TOKENS: 'true',
    TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
    TESSERA_REFRESH_TOKEN_REUSE_GRACE: '5',
  });
});

afterAll(async () => {
  for (const each of clients) each.close();
  await server?.stop();
});

describe('tessera/client, bearer mode, against the bundled server', () => {
  it('signs in, calls a protected view, and logs out by blacklisting the refresh token', async () => {
    const storage = memoryStorage();
    const auth = client({ storage, channel: nextChannel() });
    const changes = changesOf(auth);
    await auth.login(LOGIN);
    expect(auth.signedIn).toBe(true);
    const answer = await auth.fetch('/protected/');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ content: 'This view is protected' });

    const refresh = (JSON.parse(storage.getItem('tessera.session') ?? '{}') as { refresh: string }).refresh;
    await auth.logout();
    expect(auth.signedIn).toBe(false);
    expect(storage.getItem('tessera.session')).toBeNull();
    expect(await rawRefresh(refresh)).toBe(401);
    expect(changes.map((change) => [change.reason, change.signedIn])).toEqual([
      ['signed-in', true],
      ['signed-out', false],
    ]);
    // Signed out, calls go without credentials and get the server's 401.
    expect((await auth.fetch('/protected/')).status).toBe(401);
  });

  it('passes the server refusals through: bad credentials, field errors; registers a user', async () => {
    const auth = client({ channel: nextChannel() });
    const refused = await auth.login({ username: SUPERUSER.username, password: 'wrong-password' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TesseraClientError);
    expect((refused as TesseraClientError).status).toBe(401);
    expect((refused as TesseraClientError).body).toEqual({ detail: 'No active account found with the given credentials' });
    expect(auth.signedIn).toBe(false);

    const fields = { username: 'ren', email: 'ren@example.com', first_name: 'Ren', password: 'blue-lantern-42' };
    const mismatch = await auth.register({ ...fields, password2: 'blue-lantern-43' }).catch((error: unknown) => error);
    expect((mismatch as TesseraClientError).status).toBe(400);
    expect((mismatch as TesseraClientError).body).toEqual({ password: ["Password fields didn't match."] });
    await auth.register({ ...fields, password2: fields.password });
    await auth.login({ username: 'ren', password: fields.password });
    expect((await auth.fetch('/protected/')).status).toBe(200);
    await auth.logout();
  });

  it('refreshes on its own timer, ahead of expiry, with no call needing it', async () => {
    const recorder = recordingFetch();
    const auth = client({ fetch: recorder.fetch, refreshAt: 0.5, refreshJitter: 0.1, channel: nextChannel() });
    const changes = changesOf(auth);
    await auth.login(LOGIN);
    // Two-second tokens: the timer refreshes again and again while nothing else happens.
    await expect
      .poll(() => changes.filter((change) => change.reason === 'refreshed').length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    expect(callsTo(recorder.calls, REFRESH).length).toBeGreaterThanOrEqual(2);
    expect(callsTo(recorder.calls, REFRESH).every((call) => call.status === 200)).toBe(true);
    expect(recorder.calls.filter((call) => call.path !== REFRESH && call.path !== '/api/token/')).toEqual([]);
    expect((await auth.fetch('/hello/')).status).toBe(200);
    await auth.logout();
  });

  it('on a 401, refreshes once for all the calls that got it, and retries each once', async () => {
    const recorder = recordingFetch();
    let frozenAt: number | undefined;
    // A clock that stops: the client believes its token is fresh while the server sees it expire.
    const auth = client({ fetch: recorder.fetch, autoRefresh: false, clock: () => frozenAt ?? Date.now(), channel: nextChannel() });
    await auth.login(LOGIN);
    frozenAt = Date.now();
    await sleep(2200);
    const answers = await Promise.all(Array.from({ length: 8 }, () => auth.fetch('/protected/')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(callsTo(recorder.calls, REFRESH)).toHaveLength(1);
    const protectedCalls = callsTo(recorder.calls, '/protected/');
    expect(protectedCalls.filter((call) => call.status === 401)).toHaveLength(8);
    expect(protectedCalls.filter((call) => call.status === 200)).toHaveLength(8);
    frozenAt = undefined;
    await auth.logout();
  });

  it('retries a 401 that comes back after the refresh with the new session, without a second refresh, on a clock that did not move', async () => {
    const recorder = recordingFetch();
    let retried = (): void => undefined;
    const firstRetryAnswered = new Promise<void>((resolve) => (retried = resolve));
    let protectedCalls = 0;
    // The second call's 401 is handed over only once the first call has refreshed and retried.
    const held: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const call = new URL(request.url).pathname === '/protected/' ? ++protectedCalls : 0;
      const response = await recorder.fetch(request);
      if (call === 3) retried();
      if (call === 2) await firstRetryAnswered;
      return response;
    };
    // Login and refresh at the same clock reading, as a coarse clock gives them (Firefox's
    // resistFingerprinting rounds Date.now() to 100 ms).
    const frozen = Date.now();
    const auth = client({ fetch: held, autoRefresh: false, clock: () => frozen, channel: nextChannel() });
    await auth.login(LOGIN);
    await sleep(2200);
    const answers = await Promise.all([auth.fetch('/protected/'), auth.fetch('/protected/')]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(callsTo(recorder.calls, REFRESH)).toHaveLength(1);
    await auth.logout();
  });

  it('never loops: a call still refused after the refresh is answered with its 401', async () => {
    const recorder = recordingFetch();
    // The server accepts only "Bearer": every call with "JWT" is refused, whatever the token.
    const auth = client({ fetch: recorder.fetch, authHeaderType: 'JWT', channel: nextChannel() });
    await auth.login(LOGIN);
    const answer = await auth.fetch('/protected/');
    expect(answer.status).toBe(401);
    expect(recorder.calls.map((call) => `${call.path} ${call.status}`)).toEqual([
      '/api/token/ 200',
      '/protected/ 401',
      `${REFRESH} 200`,
      '/protected/ 401',
    ]);
    expect(auth.signedIn).toBe(true);
    await auth.logout();
  });

  it('never sends a token to another origin', async () => {
    let seen: IncomingHttpHeaders | undefined;
    const other = createServer((request, response) => {
      seen = request.headers;
      response.end('{}');
    });
    await new Promise<void>((listening) => other.listen(0, '127.0.0.1', listening));
    const address = other.address();
    const auth = client({ channel: nextChannel() });
    await auth.login(LOGIN);
    await auth.fetch(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/collect`);
    expect(seen).toBeDefined();
    expect(seen?.authorization).toBeUndefined();
    other.close();
    await auth.logout();
  });

  it('backs off and retries after a network error, without signing out', async () => {
    const relay = await startRelay(server.baseUrl);
    const auth = client({ baseUrl: relay.baseUrl, autoRefresh: true, retry: { initialMs: 200, maxMs: 400 }, channel: nextChannel() });
    const changes = changesOf(auth);
    await auth.login(LOGIN);
    relay.cut();
    const failure = await auth.refresh().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TesseraNetworkError);
    expect(auth.signedIn).toBe(true);
    await sleep(700);
    expect(auth.signedIn).toBe(true);
    relay.restore();
    // The back-off timer tries again on its own and succeeds.
    await expect.poll(() => changes.some((change) => change.reason === 'refreshed'), { timeout: 5000 }).toBe(true);
    expect(changes.some((change) => !change.signedIn)).toBe(false);
    expect((await auth.fetch('/protected/')).status).toBe(200);
    await auth.logout();
    await relay.close();
  });

  it('picks up a stored session after a reload', async () => {
    const storage = memoryStorage();
    const first = client({ storage, channel: false });
    await first.login(LOGIN);
    first.close();
    const reloaded = client({ storage, channel: false });
    expect(await reloaded.restore()).toBe(true);
    expect((await reloaded.fetch('/protected/')).status).toBe(200);
    await reloaded.logout();
  });
});

describe('tabs sharing a session over a BroadcastChannel', () => {
  it(
    'a sign-in in one tab signs in the others; three tabs make one refresh at a time and never sign out',
    { timeout: 30_000 },
    async () => {
      const channel = nextChannel();
      const recorder = recordingFetch();
      const tabs = [0, 1, 2].map(() => client({ channel, fetch: recorder.fetch, refreshAt: 0.5, refreshJitter: 0.1 }));
      const changes = tabs.map((tab) => changesOf(tab));
      await tabs[0]?.login(LOGIN);
      await expect.poll(() => tabs.every((tab) => tab.signedIn)).toBe(true);

      const started = Date.now();
      const statuses: number[] = [];
      await Promise.all(
        tabs.map(async (tab) => {
          while (Date.now() - started < 8000) {
            statuses.push((await tab.fetch('/protected/')).status);
            await sleep(50);
          }
        }),
      );
      const elapsed = Date.now() - started;
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(changes.flat().filter((change) => !change.signedIn)).toEqual([]);
      const refreshes = callsTo(recorder.calls, REFRESH);
      expect(refreshes.every((call) => call.status === 200)).toBe(true);
      // One tab's worth of refreshes (one per 0.8 s at most, plus the last one in flight), not three.
      expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 800) + 1);
      // No reuse was detected: the family is alive, and the tabs hold its newest token.
      expect(await tabs[2]?.refresh()).toBe(true);
      expect(tabs.every((tab) => tab.signedIn)).toBe(true);
      await tabs[1]?.logout();
      await expect.poll(() => tabs.some((tab) => tab.signedIn)).toBe(false);
    },
  );

  it('a refresh refused by the server signs every tab out', async () => {
    const channel = nextChannel();
    const storage = memoryStorage();
    const tabs = [client({ channel, storage, autoRefresh: false }), client({ channel, autoRefresh: false })];
    const changes = tabs.map((tab) => changesOf(tab));
    await tabs[0]?.login(LOGIN);
    await expect.poll(() => tabs[1]?.signedIn).toBe(true);
    // The refresh token is revoked behind the client's back (a logout elsewhere).
    const refresh = (JSON.parse(storage.getItem('tessera.session') ?? '{}') as { refresh: string }).refresh;
    const revoked = await fetch(`${server.baseUrl}/api/token/blacklist/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh }),
    });
    expect(revoked.status).toBe(200);
    expect(await tabs[0]?.refresh()).toBe(false);
    await expect.poll(() => tabs.every((tab) => !tab.signedIn)).toBe(true);
    expect(changes[0]?.at(-1)).toMatchObject({ signedIn: false, reason: 'refresh-refused', fromOtherTab: false });
    expect(changes[1]?.at(-1)).toMatchObject({ signedIn: false, reason: 'signed-out', fromOtherTab: true });
  });
});
