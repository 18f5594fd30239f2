/**
 * Which client address the per-address login throttle counts (issue 6 §4, checklist SEC-41):
 * `X-Forwarded-For` is believed only from proxies named in TRUST_PROXY. By default (no trusted
 * proxy) a client that changes the header on every attempt is still one address; behind a
 * trusted proxy, each forwarded address has its own budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../http/api-suite.js';
import { startCliServer, type CliServerProcess } from '../support/cli-server.js';

const PER_ADDRESS = {
  TESSERA_THROTTLE_LOGIN_IP: '3/minute',
  TESSERA_THROTTLE_LOGIN_ACCOUNT: 'off',
  TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
};

let untrusting: CliServerProcess;
let behindProxy: CliServerProcess;

beforeAll(async () => {
  [untrusting, behindProxy] = await Promise.all([
    startCliServer(PER_ADDRESS),
    startCliServer({ ...PER_ADDRESS, TESSERA_TRUST_PROXY: '127.0.0.1' }),
  ]);
});

afterAll(async () => Promise.all([untrusting?.stop(), behindProxy?.stop()]));

/** A failed login for a fresh username (so only the per-address counter can throttle), from `forwardedFor`. */
async function failedLogin(baseUrl: string, attempt: number, forwardedFor: string): Promise<number> {
  const reply = await client(baseUrl).post(
    '/api/token/',
    { username: `guess-${attempt}`, password: 'wrong-password' },
    { 'x-forwarded-for': forwardedFor },
  );
  return reply.status;
}

describe('the per-address login throttle and X-Forwarded-For (SEC-41)', () => {
  it('without a trusted proxy, a new X-Forwarded-For on every attempt does not escape the limit', async () => {
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt++) statuses.push(await failedLogin(untrusting.baseUrl, attempt, `203.0.113.${attempt + 1}`));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('behind a trusted proxy (TRUST_PROXY=127.0.0.1), each forwarded client address has its own budget', async () => {
    const fromOne = [];
    for (let attempt = 0; attempt < 4; attempt++) fromOne.push(await failedLogin(behindProxy.baseUrl, attempt, '198.51.100.7'));
    expect(fromOne).toEqual([401, 401, 401, 429]);
    expect(await failedLogin(behindProxy.baseUrl, 10, '198.51.100.8')).toBe(401);
  });
});
