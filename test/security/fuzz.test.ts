/**
 * Property-based fuzzing of the bundled server over HTTP (issue 6 §5, checklist R-11, SEC-51),
 * with fast-check: mutations of real tokens (bit flips, segment swaps, base64 noise,
 * truncation), validly MACed tokens around random JSON, random Authorization headers, random
 * bodies and content types, at every endpoint and with every method.
 *
 * Invariants, for every request:
 * - never a 5xx (and always an answer);
 * - a protected view answers 200 only to a Bearer token byte-identical to one the server minted
 *   (or one this test MACed with the server key), and refresh answers 200 only to a refresh
 *   token the server minted.
 * After the run the same process still serves a normal login, and its resident memory grew by
 * less than RSS_GROWTH_LIMIT_MIB between the end of the warm-up and the end of the run.
 *
 * The run is bounded: WARM_UP_RUNS + the properties' runs come to about 1,500 requests. A failure
 * prints fast-check's seed and path; replay it with `{ seed, path }` in the fc.assert options.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../http/api-suite.js';
import { startCliServer, SUPERUSER, TEST_SECRET, type CliServerProcess } from '../support/cli-server.js';
import { forgeHmac } from './support/forge.js';
import type { Api, Reply } from './support/token-endpoints.js';

const WARM_UP_RUNS = 300;
const TOKEN_RUNS = 500;
const HEADER_RUNS = 200;
const BODY_RUNS = 500;
const RSS_GROWTH_LIMIT_MIB = 64;

const PATHS = [
  '/api/token/',
  '/api/token/refresh/',
  '/api/token/verify/',
  '/api/token/blacklist/',
  '/api/token/logout-all/',
  '/api/token/sliding/',
  '/api/token/sliding/refresh/',
  '/accounts/register/',
  '/protected/',
  '/hello/',
  '/api/token',
  '/no-such-page/',
] as const;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin-1',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'text/plain',
  '*/*',
  'application/*',
  '',
] as const;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let server: CliServerProcess;
let api: Api;
/** Tokens the server minted, by kind; a fuzzed request may only succeed with one of these. */
const minted = { access: new Set<string>(), refresh: new Set<string>(), sliding: new Set<string>() };
/** Tokens this test MACed with the server key around random JSON: those may succeed too. */
const forgedWithKey = new Set<string>();
let seedTokens: string[] = [];

/** Resident set size of the server process, in KiB, from /proc. */
function serverRssKib(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${server.pid}/status`);
  return Number(match[1]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function mint(): Promise<void> {
  const pair = (await api.post('/api/token/', SUPERUSER)).json as { access: string; refresh: string };
  const { token } = (await api.post('/api/token/sliding/', SUPERUSER)).json as { token: string };
  minted.access.add(pair.access);
  minted.refresh.add(pair.refresh);
  minted.sliding.add(token);
  seedTokens = [pair.access, pair.refresh, token];
}

beforeAll(async () => {
  server = await startCliServer({
    TESSERA_AUTH_TOKEN_CLASSES: 'AccessToken,SlidingToken',
    // Off, so fuzzed logins and registrations reach the password and database code.
    TESSERA_THROTTLE_LOGIN_ACCOUNT: 'off',
    TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
    TESSERA_THROTTLE_LOGIN_IP: 'off',
    TESSERA_THROTTLE_REGISTER_IP: 'off',
  });
  api = client(server.baseUrl);
  await mint();
});

afterAll(async () => server?.stop());

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Characters a header value may carry on the wire (no CR, LF or NUL; Latin-1 only). */
const headerChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\t', '\u00a0', '\u00e9', '\u00ff'),
);
const headerText = (maxLength: number) => fc.string({ unit: headerChar, maxLength });
/** Noise that base64url decoders are known to mishandle. */
const noise = fc.string({
  unit: fc.constantFrom('=', '+', '/', ' ', '.', '?', '%', '\t', '\u00ff', 'A', '_', '-'),
  minLength: 1,
  maxLength: 6,
});

const seedToken = fc.integer({ min: 0, max: 2 }).map((index) => seedTokens[index] ?? '');

const flipOne = fc.tuple(seedToken, fc.nat(), fc.integer({ min: 1, max: 63 })).map(([token, at, shift]) => {
  const index = at % token.length;
  const char = token[index] ?? 'A';
  const replaced = char === '.' ? '.' : (BASE64URL[(BASE64URL.indexOf(char) + shift) % 64] ?? 'A');
  return `${token.slice(0, index)}${replaced}${token.slice(index + 1)}`;
});
const swapSegments = fc
  .tuple(seedToken, seedToken, fc.constantFrom<[number, number, number]>([0, 1, 2], [1, 0, 2], [0, 2, 1], [2, 1, 0], [0, 0, 2], [0, 1, 1]))
  .map(([first, second, order]) => {
    const a = first.split('.');
    const b = second.split('.');
    return order.map((segment, position) => (position % 2 === 0 ? a : b)[segment] ?? '').join('.');
  });
const withNoise = fc.tuple(seedToken, fc.nat(), noise).map(([token, at, extra]) => {
  const index = at % (token.length + 1);
  return `${token.slice(0, index)}${extra}${token.slice(index)}`;
});
const truncated = fc.tuple(seedToken, fc.nat()).map(([token, at]) => token.slice(0, at % token.length));
const extraSegment = fc
  .tuple(seedToken, fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 20 }))
  .map(([token, segment]) => `${token}.${segment}`);
/** A token MACed with the real key around random header and payload JSON. */
const macedRandomJson = fc
  .tuple(
    fc.oneof(
      fc.constant({ alg: 'HS256', typ: 'JWT' }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    ),
    fc.jsonValue({ maxDepth: 3 }),
  )
  .map(([header, payload]) => {
    const token = forgeHmac({ header: header as Record<string, unknown>, payload: JSON.stringify(payload) ?? 'null' }, TEST_SECRET);
    forgedWithKey.add(token);
    return token;
  });
const fuzzedToken = fc.oneof(flipOne, swapSegments, withNoise, truncated, extraSegment, macedRandomJson, headerText(60));

const authorization = fc.oneof(
  fuzzedToken.map((token) => `Bearer ${token}`),
  headerText(80),
  fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic a2F5YTpwYXNz', 'Bearer a b', 'JWT x'),
  fc
    .tuple(fc.constantFrom('Bearer', 'JWT', 'Token', 'bearer'), fuzzedToken, fc.constantFrom(' ', '  ', '\t'))
    .map(([scheme, token, gap]) => `${scheme}${gap}${token}`),
);

const fieldValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constant(SUPERUSER.username),
  fc.constant(SUPERUSER.password),
  fuzzedToken,
  fc.jsonValue({ maxDepth: 2 }),
);
const jsonBody = fc.oneof(
  fc.record(
    {
      username: fieldValue,
      password: fieldValue,
      password2: fieldValue,
      email: fieldValue,
      first_name: fieldValue,
      refresh: fieldValue,
      token: fieldValue,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 4 }),
);
const body = fc.oneof(
  jsonBody.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc
    .record({ name: fc.constantFrom('username', 'password', 'refresh', 'token'), value: fuzzedToken })
    .map(({ name, value }) => Buffer.from(`${name}=${encodeURIComponent(value)}`)),
  fc.constant(Buffer.alloc(0)),
);
const contentType = fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerText(40));

interface FuzzRequest {
  readonly method: (typeof METHODS)[number];
  readonly path: (typeof PATHS)[number];
  readonly authorization: string | null;
  readonly contentType: string | null;
  readonly body: Buffer;
}

const request = fc.record({
  method: fc.constantFrom(...METHODS),
  path: fc.constantFrom(...PATHS),
  authorization: fc.option(authorization, { nil: null }),
  contentType: fc.option(contentType, { nil: null }),
  body,
});

// ---------------------------------------------------------------------------------------------
// Sending and judging

let sent = 0;

async function send(fuzz: FuzzRequest): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (fuzz.authorization !== null) headers.authorization = fuzz.authorization;
  if (fuzz.contentType !== null) headers['content-type'] = fuzz.contentType;
  const hasBody = fuzz.method !== 'GET' && fuzz.method !== 'HEAD';
  sent++;
  return api.send(fuzz.method, fuzz.path, { headers, ...(hasBody ? { body: fuzz.body as unknown as string } : {}) });
}

/** simplejwt's split of an Authorization value: the token when it is exactly `Bearer <token>`. */
function bearerToken(value: string | null): string | undefined {
  const parts = (value ?? '').trim().split(/[ \t\n\r\v\f]+/);
  return parts.length === 2 && parts[0] === 'Bearer' ? parts[1] : undefined;
}

function refreshFieldOf(fuzz: FuzzRequest): string | undefined {
  try {
    const data = JSON.parse(fuzz.body.toString('utf8')) as unknown;
    const value = typeof data === 'object' && data !== null && 'refresh' in data ? data.refresh : undefined;
    return typeof value === 'string' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

function judge(fuzz: FuzzRequest, reply: Reply): void {
  const shown = `${fuzz.method} ${fuzz.path} auth=${JSON.stringify(fuzz.authorization)} type=${JSON.stringify(fuzz.contentType)} body=${JSON.stringify(fuzz.body.toString('latin1').slice(0, 200))}`;
  expect(reply.status, `${shown} -> ${reply.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
  expect(reply.status, `${shown} -> ${reply.text.slice(0, 300)}`).toBeLessThan(500);
  if (reply.status === 200 && (fuzz.path === '/protected/' || fuzz.path === '/hello/' || fuzz.path === '/api/token/logout-all/')) {
    const token = bearerToken(fuzz.authorization) ?? '';
    expect(
      minted.access.has(token) || minted.sliding.has(token) || forgedWithKey.has(token),
      `200 for a token the server never minted: ${shown}`,
    ).toBe(true);
  }
  if (
    reply.status === 200 &&
    fuzz.path === '/api/token/refresh/' &&
    fuzz.method === 'POST' &&
    (fuzz.contentType ?? '').startsWith('application/json')
  ) {
    const token = refreshFieldOf(fuzz) ?? '';
    expect(minted.refresh.has(token) || forgedWithKey.has(token), `refresh 200 for a token the server never minted: ${shown}`).toBe(true);
  }
}

const fuzzOnce = async (fuzz: FuzzRequest): Promise<void> => judge(fuzz, await send(fuzz));

describe('fuzzing every endpoint over HTTP (R-11, SEC-51)', () => {
  let rssAfterWarmUp = 0;
  let pid = 0;

  beforeAll(async () => {
    pid = server.pid;
    await fc.assert(fc.asyncProperty(request, fuzzOnce), { numRuns: WARM_UP_RUNS });
    await mint();
    rssAfterWarmUp = serverRssKib();
  }, 120_000);

  it(`fuzzed tokens at the token endpoints and as Bearer tokens (${TOKEN_RUNS} runs): no 5xx, no 200 for a token never minted`, async () => {
    const tokenRequest = fc.record({
      method: fc.constant('POST' as const),
      path: fc.constantFrom(
        '/api/token/refresh/',
        '/api/token/verify/',
        '/api/token/blacklist/',
        '/api/token/sliding/refresh/',
        '/protected/',
      ),
      authorization: fuzzedToken.map((token) => `Bearer ${token}`),
      contentType: fc.constant('application/json'),
      body: fc
        .tuple(fc.constantFrom('refresh', 'token'), fuzzedToken)
        .map(([name, token]) => Buffer.from(JSON.stringify({ [name]: token }))),
    });
    const protectedGet = tokenRequest.map((fuzz): FuzzRequest => (fuzz.path === '/protected/' ? { ...fuzz, method: 'GET' } : fuzz));
    await fc.assert(fc.asyncProperty(protectedGet, fuzzOnce), { numRuns: TOKEN_RUNS });
  }, 120_000);

  it(`random Authorization headers on authenticated views (${HEADER_RUNS} runs): no 5xx, no 200 without a minted token`, async () => {
    const headerRequest = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS'),
      path: fc.constantFrom('/protected/', '/hello/', '/api/token/logout-all/'),
      authorization: fc.option(authorization, { nil: null }),
      contentType: fc.constant(null),
      body: fc.constant(Buffer.alloc(0)),
    });
    await fc.assert(fc.asyncProperty(headerRequest, fuzzOnce), { numRuns: HEADER_RUNS });
  }, 120_000);

  it(`random bodies, content types and methods at every path (${BODY_RUNS} runs): no 5xx`, async () => {
    await fc.assert(fc.asyncProperty(request, fuzzOnce), { numRuns: BODY_RUNS });
  }, 120_000);

  it('the same server process is alive afterwards, serves a normal login, and its memory stayed bounded', async () => {
    expect(sent).toBeGreaterThanOrEqual(WARM_UP_RUNS + TOKEN_RUNS + HEADER_RUNS + BODY_RUNS);
    expect(server.pid).toBe(pid);
    expect(isAlive(pid)).toBe(true);
    const login = await api.post('/api/token/', SUPERUSER);
    expect(login.status).toBe(200);
    const growthMib = (serverRssKib() - rssAfterWarmUp) / 1024;
    expect(growthMib, `RSS grew by ${growthMib.toFixed(1)} MiB after the warm-up`).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
  });
});
