/**
 * Shared pieces of the parity test files: one server pair per file (started in beforeAll,
 * stopped in afterAll), the routes, and logging in on both servers.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { expectParity, type Exchange } from './compare.js';
import { jsonRequest } from './http-client.js';
import { startPair, SUPERUSER, type ServerMode, type ServerOptions, type ServerPair } from './servers.js';

export const ROUTES = {
  obtain: '/api/token/',
  refresh: '/api/token/refresh/',
  verify: '/api/token/verify/',
  blacklist: '/api/token/blacklist/',
  /** Tessera only (deliberate difference logout-all-endpoint); a 404 on the reference. */
  logoutAll: '/api/token/logout-all/',
  protected: '/protected/',
  hello: '/hello/',
  register: '/accounts/register/',
} as const;

/**
 * Starts one server pair for the calling test file. A pair that cannot start fails every test
 * of the file with the start-up error. (A throwing beforeAll would fail the file but report
 * its tests as skipped; a missing or broken server must read as failures.)
 *
 * @example
 * ```ts
 * const pair = useServerPair('rotate');
 * it('...', async () => { await expectParity(pair(), request); });
 * ```
 */
export function useServerPair(mode: ServerMode = 'default', options: Omit<ServerOptions, 'secret' | 'mode'> = {}): () => ServerPair {
  let pair: ServerPair | undefined;
  let startError: unknown;
  beforeAll(async () => {
    try {
      pair = await startPair(mode, options);
    } catch (error) {
      startError = error;
    }
  });
  afterAll(async () => {
    await pair?.stop();
  });
  return () => {
    if (pair) return pair;
    throw startError instanceof Error ? startError : new Error(`the ${mode}-mode parity servers did not start: ${String(startError)}`);
  };
}

/** One server's token pair. */
export interface TokenPair {
  readonly refresh: string;
  readonly access: string;
}

/** Each server's own token pair from one login. */
export interface BothTokens {
  readonly reference: TokenPair;
  readonly tessera: TokenPair;
}

function tokenPairOf(answer: Exchange['reference'], who: string): TokenPair {
  expect(answer.status, `${who} login`).toBe(200);
  const [refresh, access] = answer.jwts;
  if (refresh === undefined || access === undefined) throw new Error(`${who} login returned no tokens: ${answer.body}`);
  return { refresh, access };
}

/** Logs in on both servers (asserting parity of the answers) and returns each one's tokens. */
export async function loginBoth(
  pair: ServerPair,
  username: string = SUPERUSER.username,
  password: string = SUPERUSER.password,
): Promise<BothTokens> {
  const answers = await expectParity(pair, jsonRequest(ROUTES.obtain, { username, password }));
  return { reference: tokenPairOf(answers.reference, 'reference'), tessera: tokenPairOf(answers.tessera, pair.tessera.label) };
}

/** `Authorization: Bearer <token>` as a header list. */
export function bearer(token: string): Array<[string, string]> {
  return [['Authorization', `Bearer ${token}`]];
}
