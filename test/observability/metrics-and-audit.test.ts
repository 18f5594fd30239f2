/**
 * Issue 18, end to end on the real `tessera serve` process: a scripted sequence (a login, a
 * failed login, a rotation, a replay of the rotated token, two protected requests) moves each
 * counter on the metrics listener by exactly the expected amount; the audit table holds the
 * sequence in order; no password, token or secret appears in the audit rows or in any log line
 * the server wrote; and `/metrics` is not served on the API's port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import { freePort, startCliServer, SUPERUSER, TEST_SECRET, type CliServerProcess } from '../support/cli-server.js';

/** Every sample of a Prometheus text exposition, by series (`name{labels}`). */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    result.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return result;
}

async function post(
  server: CliServerProcess,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('metrics and the audit log after a scripted sequence', () => {
  let server: CliServerProcess;
  let metricsUrl: string;
  const scrape = async () => samples(await (await fetch(metricsUrl)).text());

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    server = await startCliServer({
      TESSERA_METRICS_ENABLED: 'true',
      TESSERA_METRICS_ADDR: `127.0.0.1:${metricsPort}`,
      TESSERA_ROTATE_REFRESH_TOKENS: 'true',
      TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
      TESSERA_LOG_FORMAT: 'json',
      TESSERA_LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => server?.stop());

  it('moves each counter by exactly the expected amount, stores the sequence in order, and leaks no secret', async () => {
    const before = await scrape();
    const delta = (after: Map<string, number>, series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

    const login = await post(server, '/api/token/', { username: SUPERUSER.username, password: SUPERUSER.password });
    expect(login.status).toBe(200);
    const wrongPassword = 'not-the-password-7';
    expect((await post(server, '/api/token/', { username: SUPERUSER.username, password: wrongPassword })).status).toBe(401);
    const rotated = await post(server, '/api/token/refresh/', { refresh: login.body.refresh });
    expect(rotated.status).toBe(200);
    const replay = await post(server, '/api/token/refresh/', { refresh: login.body.refresh });
    expect(replay.status).toBe(401);
    const access = rotated.body.access ?? '';
    expect((await fetch(`${server.baseUrl}/protected/`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(200);
    const forged = `${access.slice(0, -6)}AAAAAA`;
    expect((await fetch(`${server.baseUrl}/protected/`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);

    const after = await scrape();
    const expected: Record<string, number> = {
      'tessera_logins_total{outcome="success"}': 1,
      'tessera_logins_total{outcome="failure"}': 1,
      'tessera_logins_total{outcome="inactive"}': 0,
      'tessera_logins_total{outcome="throttled"}': 0,
      'tessera_refreshes_total{outcome="rotated"}': 1,
      'tessera_refreshes_total{outcome="reuse_detected"}': 1,
      'tessera_refreshes_total{outcome="grace_replay"}': 0,
      // The replay's refusal is counted as invalid as well as reuse_detected: reuse is a kind of invalid refresh.
      'tessera_refreshes_total{outcome="invalid"}': 1,
      'tessera_authentications_total{outcome="ok"}': 1,
      'tessera_authentications_total{outcome="bad_signature"}': 1,
      'tessera_blacklisted_tokens_total{cause="rotation"}': 1,
      // The family held the rotated token (already blacklisted) and its successor: one more blacklisted.
      'tessera_blacklisted_tokens_total{cause="reuse_detected"}': 1,
      'tessera_http_request_duration_seconds_count{method="POST",route="/api/token/",status="200"}': 1,
      'tessera_http_request_duration_seconds_count{method="POST",route="/api/token/",status="401"}': 1,
      'tessera_http_request_duration_seconds_count{method="POST",route="/api/token/refresh/",status="200"}': 1,
      'tessera_http_request_duration_seconds_count{method="POST",route="/api/token/refresh/",status="401"}': 1,
      'tessera_http_request_duration_seconds_count{method="GET",route="/protected/",status="200"}': 1,
      'tessera_http_request_duration_seconds_count{method="GET",route="/protected/",status="401"}': 1,
      'tessera_password_hash_duration_seconds_count{operation="verify"}': 2,
    };
    const moved = Object.fromEntries(Object.keys(expected).map((series) => [series, delta(after, series)]));
    expect(moved).toEqual(expected);
    expect([...after.keys()].some((series) => series.startsWith('process_cpu_user_seconds_total'))).toBe(true);

    // The audit table: the sequence, in order (the rotation is counted, not audited).
    const store = await openStore(server.databaseUrl);
    try {
      const rows = (await store.audit?.listAudit({ limit: 50 })) ?? [];
      const sequence = rows.reverse().filter((row) => !row.action.startsWith('admin.'));
      expect(sequence.map((row) => row.action)).toEqual(['login.succeeded', 'login.failed', 'refresh.reuse_detected']);
      const [succeeded, failed, reuse] = sequence;
      expect(succeeded).toMatchObject({ actorUsername: SUPERUSER.username, targetUserId: succeeded?.actorId, ip: '127.0.0.1' });
      expect(failed).toMatchObject({ actorId: null, actorUsername: SUPERUSER.username, detail: 'reason=bad_credentials', ip: '127.0.0.1' });
      expect(reuse?.targetUserId).toBe(succeeded?.actorId);
      expect(reuse?.detail).toMatch(/^revoked_tokens=1 replayed_jti=[0-9a-f]{32}$/);
      expect(reuse?.target).toMatch(/^[0-9a-f-]{36}$/);

      // No secret anywhere: not in the rows, not in a single log line.
      const secrets = [
        SUPERUSER.password,
        wrongPassword,
        TEST_SECRET,
        login.body.refresh,
        login.body.access,
        rotated.body.refresh,
        access,
        forged,
      ];
      const searched = `${JSON.stringify(rows)}\n${server.output()}`;
      for (const secret of secrets) {
        expect(secret?.length).toBeGreaterThan(8);
        expect(searched).not.toContain(secret);
      }
      // The same events went out as structured log lines, with their request ids.
      const auditLines = server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; audit?: { action: string; request_id?: string } })
        .filter((line) => line.msg === 'audit');
      expect(auditLines.map((line) => line.audit?.action)).toEqual(['login.succeeded', 'login.failed', 'refresh.reuse_detected']);
      expect(auditLines.every((line) => /^[0-9a-f-]{36}$/.test(line.audit?.request_id ?? ''))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('is never served on the API port, and the metrics listener serves nothing else', async () => {
    const onApi = await fetch(`${server.baseUrl}/metrics`);
    expect(onApi.status).toBe(404);
    expect(await onApi.text()).not.toContain('tessera_');
    expect((await fetch(metricsUrl.replace('/metrics', '/api/token/'), { method: 'POST' })).status).toBe(404);
  });
});
