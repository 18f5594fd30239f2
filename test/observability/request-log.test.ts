/**
 * The bundled server's output in development: one line per request (method, path, status, ms,
 * request id) and nothing a credential could be read from; every line of its output one JSON
 * shape (level by name, time, pid, msg). In production the request lines are off unless
 * LOG_REQUESTS turns them on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERUSER, TEST_SECRET, serveCli, startCliServer, type CliServerProcess } from '../support/cli-server.js';

interface Line {
  readonly level: string;
  readonly time: number;
  readonly pid: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Every line of the output, parsed; a line that is not one JSON object fails the test. */
function linesOf(output: string): Line[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(line)), `not a JSON line: ${line}`).not.toThrow();
      expect(parsed, line).toMatchObject({
        level: expect.any(String),
        time: expect.any(Number),
        pid: expect.any(Number),
        msg: expect.any(String),
      });
      return parsed as Line;
    });
}

const json = { 'content-type': 'application/json' };

/** The request lines, but the harness's own `GET /` (it waits for the port that way). */
function requestLinesIn(output: string): Line[] {
  return linesOf(output).filter((line) => line.msg === 'request' && line.path !== '/');
}

/** Waits until the server has written `count` request lines (they follow the answer). */
async function requestLines(server: CliServerProcess, count: number): Promise<Line[]> {
  for (let attempt = 0; attempt < 100 && requestLinesIn(server.output()).length < count; attempt++) {
    await new Promise((wake) => setTimeout(wake, 50));
  }
  return requestLinesIn(server.output());
}

describe('the request log in development (NODE_ENV unset)', () => {
  let server: CliServerProcess;
  beforeAll(async () => {
    server = await startCliServer({ TESSERA_LOG_FORMAT: 'auto' });
  });
  afterAll(() => server.stop());

  it('writes one JSON line per request, with no token, password or query value in any line', async () => {
    const login = await fetch(`${server.baseUrl}/api/token/`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: SUPERUSER.username, password: SUPERUSER.password }),
    });
    expect(login.status).toBe(200);
    const { access, refresh } = (await login.json()) as { access: string; refresh: string };
    const secretQuery = 'query-secret-value-0123456789';
    const protectedReply = await fetch(`${server.baseUrl}/protected/?token=${secretQuery}`, {
      headers: { authorization: `Bearer ${access}` },
    });
    expect(protectedReply.status).toBe(200);
    const wrong = await fetch(`${server.baseUrl}/api/token/`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: SUPERUSER.username, password: 'not-the-password-42' }),
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${server.baseUrl}/lost/${access}/`)).status).toBe(404);
    await fetch(`${server.baseUrl}/api/token/refresh/`, { method: 'POST', headers: json, body: JSON.stringify({ refresh }) });

    const lines = await requestLines(server, 5);
    expect(lines.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'POST', path: '/api/token/', status: 200 },
      { method: 'GET', path: '/protected/', status: 200 },
      { method: 'POST', path: '/api/token/', status: 401 },
      { method: 'GET', path: '/lost/[redacted]/', status: 404 },
      { method: 'POST', path: '/api/token/refresh/', status: 200 },
    ]);
    for (const line of lines) {
      expect(line.level).toBe('info');
      expect(line.ms).toEqual(expect.any(Number));
      expect(line.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The failed login's audit line and its request line carry the same request id.
    const audit = linesOf(server.output()).find((line) => line.msg === 'audit' && JSON.stringify(line).includes('login.failed'));
    expect((audit?.audit as { request_id?: string } | undefined)?.request_id).toBe(lines[2]?.request_id);

    const output = server.output();
    for (const secret of [access, refresh, SUPERUSER.password, 'not-the-password-42', secretQuery]) expect(output).not.toContain(secret);
  });

  it('is all one JSON shape, start-up lines included (no plain-text warning)', () => {
    const lines = linesOf(server.output());
    expect(lines.some((line) => line.msg.startsWith('Server listening at'))).toBe(true);
  });
});

describe('the request log in production', () => {
  const production = { NODE_ENV: 'production', TESSERA_SECRET_KEY: TEST_SECRET };

  it('is off by default', async () => {
    const first = await startCliServer(production);
    try {
      expect((await fetch(`${first.baseUrl}/api/token/`)).status).toBe(405);
      // The answer came back: had a request line been due, its lines were written before the next one.
      await first.stop();
      expect(linesOf(first.output()).filter((line) => line.msg === 'request')).toEqual([]);
    } finally {
      await first.stop();
    }
  });

  it('is on with LOG_REQUESTS=true', async () => {
    const server = await serveCli({ ...production, TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_LOG_REQUESTS: 'true' });
    try {
      expect((await fetch(`${server.baseUrl}/api/token/`)).status).toBe(405);
      expect((await requestLines(server, 1)).map(({ method, path, status }) => ({ method, path, status }))).toEqual([
        { method: 'GET', path: '/api/token/', status: 405 },
      ]);
    } finally {
      await server.stop();
    }
  });
});
