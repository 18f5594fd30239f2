/**
 * `tessera/client/axios` with real Axios against the real bundled server: requests to the API
 * are signed, a 401 refreshes once for every request that got it and each is retried once, a
 * request still refused is rejected (no loop), and other origins get no credentials.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import axios, { AxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachTesseraClient } from '../../src/client/axios.js';
import { createTesseraClient, type TesseraClient } from '../../src/client/index.js';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import { callsTo, recordingFetch, sleep } from './support.js';

const LOGIN = { username: SUPERUSER.username, password: SUPERUSER.password };
let server: CliServerProcess;
const clients: TesseraClient[] = [];

beforeAll(async () => {
  server = await startCliServer({
    TESSERA_ACCESS_TOKEN_LIFETIME: '2',
    TESSERA_ROTATE_REFRESH_TOKENS: 'true',
    TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await server?.stop();
});

/** A client and an Axios instance on the test server, every HTTP call of both recorded. */
function setUp(options: { authHeaderType?: string; clock?: () => number } = {}) {
  const recorder = recordingFetch();
  const client = createTesseraClient({ baseUrl: server.baseUrl, channel: false, autoRefresh: false, fetch: recorder.fetch, ...options });
  clients.push(client);
  const api = axios.create({ baseURL: server.baseUrl, adapter: 'fetch', env: { fetch: recorder.fetch } });
  const detach = attachTesseraClient(api, client);
  return { client, api, calls: recorder.calls, detach };
}

describe('tessera/client/axios', () => {
  it('signs requests to the API, and refreshes once for a burst of 401s, retrying each request once', async () => {
    let frozenAt: number | undefined;
    const { client, api, calls } = setUp({ clock: () => frozenAt ?? Date.now() });
    await client.login(LOGIN);
    expect((await api.get('/protected/')).data).toEqual({ content: 'This view is protected' });

    frozenAt = Date.now();
    await sleep(2200);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.get('/hello/')));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(callsTo(calls, '/api/token/refresh/')).toHaveLength(1);
    expect(
      callsTo(calls, '/hello/')
        .map((call) => call.status)
        .sort(),
    ).toEqual([200, 200, 200, 200, 200, 401, 401, 401, 401, 401]);
    frozenAt = undefined;
    await client.logout();
  });

  it('rejects a request still refused after the refresh, without a second retry', async () => {
    const { client, api, calls } = setUp({ authHeaderType: 'JWT' });
    await client.login(LOGIN);
    const failure = await api.get('/protected/').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AxiosError);
    expect((failure as AxiosError).response?.status).toBe(401);
    expect(calls.map((call) => `${call.path} ${call.status}`)).toEqual([
      '/api/token/ 200',
      '/protected/ 401',
      '/api/token/refresh/ 200',
      '/protected/ 401',
    ]);
  });

  it('adds nothing to requests for other origins, and detaches', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const other = createServer((request, response) => {
      seen.push(request.headers);
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
    await new Promise<void>((listening) => other.listen(0, '127.0.0.1', listening));
    const address = other.address();
    const otherUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/collect`;
    const { client, api, detach } = setUp();
    await client.login(LOGIN);
    await api.get(otherUrl);
    expect(seen[0]?.authorization).toBeUndefined();
    detach();
    const unsigned = await api.get('/protected/').catch((error: unknown) => error);
    expect((unsigned as AxiosError).response?.status).toBe(401);
    other.close();
    await client.logout();
  });
});
