/**
 * `tessera serve --workers 2` with metrics on: one /metrics for the instance, on METRICS_ADDR,
 * served by the primary with the workers' counters summed, whichever worker answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, serveCli, startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';

describe('metrics with several workers', () => {
  let server: CliServerProcess;
  let metricsUrl: string;

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const prepared = await startCliServer({
      TESSERA_METRICS_ENABLED: 'true',
      TESSERA_METRICS_ADDR: `127.0.0.1:${metricsPort}`,
      TESSERA_LOG_FORMAT: 'json',
      TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
    });
    // The single-process server only prepared the database; the cluster serves it.
    await prepared.stop();
    server = await serveCli(prepared.env, ['--workers', '2']);
  }, 120_000);
  afterAll(async () => server?.stop());

  it('sums the workers: N logins show as N, whichever worker took each', async () => {
    const logins = 6;
    // One at a time, each on a new connection: the cluster deals connections round-robin to the workers.
    const answers: number[] = [];
    for (let index = 0; index < logins; index++) {
      const response = await fetch(`${server.baseUrl}/api/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ username: SUPERUSER.username, password: SUPERUSER.password }),
      });
      answers.push(response.status);
    }
    expect(answers).toEqual(Array.from({ length: logins }, () => 200));
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(new RegExp(`^tessera_logins_total\\{outcome="success"\\} ${logins}$`, 'm'));
    expect(text).toMatch(
      new RegExp(`^tessera_http_request_duration_seconds_count\\{method="POST",route="/api/token/",status="200"\\} ${logins}$`, 'm'),
    );
  });
});
