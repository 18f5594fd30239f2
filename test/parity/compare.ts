/**
 * Comparing one request's answers from the reference and from Tessera.
 *
 * What legitimately differs between two correct servers is normalised away: JWTs in bodies
 * (each is replaced by `"<jwt>"` and reduced to facts that must match: header JSON, claim
 * names and order, claim types, token_type, jti shape, lifetime, and iat/exp within a clock
 * tolerance); user ids inside tokens (type only: the two databases may number users
 * differently after a deliberate difference); and the headers nobody compares (Date, Server,
 * Content-Length, Connection, ...). Everything else must be equal: the status, the body text
 * byte for byte (so key order and JSON escaping count), and the headers in COMPARED_HEADERS.
 */
import { expect } from 'vitest';
import {
  DELIBERATE_DIFFERENCES,
  type AnswerDifference,
  type DeliberateDifferenceId,
  type ExpectedAnswer,
} from './deliberate-differences.js';
import { decodeJwt } from './jwt.js';
import type { RawRequest, RawResponse, ServerPair } from './servers.js';

/** Headers whose values must match exactly (absent on one side and present on the other fails). */
export const COMPARED_HEADERS = [
  'content-type',
  'www-authenticate',
  'allow',
  'vary',
  'x-content-type-options',
  'referrer-policy',
  'location',
  // Absent on both servers except on Tessera's 429s (deliberate difference login-throttling).
  'retry-after',
] as const;

export type ComparedHeader = (typeof COMPARED_HEADERS)[number];

/** What a token in a body must agree on; iat/exp are kept apart to compare with a tolerance. */
export interface TokenFacts {
  /** The decoded header JSON text, e.g. `{"alg":"HS256","typ":"JWT"}`. */
  readonly header: string;
  readonly claimNames: readonly string[];
  /** `claim:type` in claim order; `integer` and `float` are told apart. */
  readonly claimTypes: readonly string[];
  readonly tokenType: unknown;
  /** `hex32` for uuid4().hex, otherwise the JSON type of the jti. */
  readonly jtiShape: string;
  /** `exp - iat`, or null when either is missing or not a number. */
  readonly lifetime: number | null;
}

/** One answer, normalised. */
export interface NormalisedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<ComparedHeader, string | null>>;
  /**
   * The body as text with every JWT string replaced by `"<jwt>"`. Bodies that are not valid
   * UTF-8 are shown as `base64:<...>` so that different bytes never compare equal.
   */
  readonly body: string;
  readonly tokens: readonly TokenFacts[];
  /** Each token's raw claims (for iat/exp tolerance checks and for tests that look inside). */
  readonly claims: ReadonlyArray<Record<string, unknown>>;
  /** The tokens themselves, in body order (tests reuse them in later requests). */
  readonly jwts: readonly string[];
  /** The parsed body, when it is JSON. */
  readonly json: unknown;
  readonly raw: RawResponse;
}

const JWT_STRING = /"([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)"/g;
const HEX32 = /^[0-9a-f]{32}$/;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  return typeof value;
}

/** Facts about one token that two compatible servers must agree on. */
export function tokenFacts(token: string): { facts: TokenFacts; claims: Record<string, unknown> } {
  const decoded = decodeJwt(token);
  if (!decoded) throw new Error(`not a JWT: ${token}`);
  const payload = decoded.payload;
  const claims = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const names = Object.keys(claims);
  const { exp, iat, jti } = claims;
  return {
    facts: {
      header: decoded.headerText,
      claimNames: names,
      claimTypes: names.map((name) => `${name}:${jsonType(claims[name])}`),
      tokenType: claims.token_type,
      jtiShape: typeof jti === 'string' && HEX32.test(jti) ? 'hex32' : jsonType(jti),
      lifetime: typeof exp === 'number' && typeof iat === 'number' ? exp - iat : null,
    },
    claims,
  };
}

function isJsonContentType(value: string | null): boolean {
  return value !== null && /^application\/(?:[\w.+-]*\+)?json\b/i.test(value);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Normalises one raw response (see the module comment for what is kept and what is not). */
export function normalise(raw: RawResponse): NormalisedAnswer {
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, raw.headers[name] ?? null])) as Record<
    ComparedHeader,
    string | null
  >;
  let text: string;
  try {
    text = strictUtf8.decode(raw.body);
  } catch {
    text = `base64:${raw.body.toString('base64')}`;
  }
  const tokens: TokenFacts[] = [];
  const claims: Array<Record<string, unknown>> = [];
  const jwts: string[] = [];
  let json: unknown;
  let body = text;
  if (isJsonContentType(headers['content-type']) && !text.startsWith('base64:')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    body = text.replace(JWT_STRING, (whole, token: string) => {
      if (!decodeJwt(token)) return whole;
      const { facts, claims: tokenClaims } = tokenFacts(token);
      tokens.push(facts);
      claims.push(tokenClaims);
      jwts.push(token);
      return '"<jwt>"';
    });
  }
  return { status: raw.status, headers, body, tokens, claims, jwts, json, raw };
}

/** Options for {@link expectSameAnswer}. */
export interface CompareOptions {
  /**
   * Skip the `lifetime` and `iat` comparison for access tokens: simplejwt 5.2.2 copies the
   * refresh token's iat into the access token minted by /refresh/, Tessera stamps a fresh one
   * (deliberate difference `refresh-access-iat`). Their `exp` is still compared.
   */
  readonly accessIatMayDiffer?: boolean;
  /** How far apart two servers' iat/exp may be, in seconds. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** Compare the Allow header as a set of methods (see RANDOM_ALLOW_ORDER_PATHS). */
  readonly allowOrderMayVary?: boolean;
}

/**
 * Routes whose Allow header order the reference does not fix. DRF's @api_view builds the
 * view's method list from a Python set, and str hashing is randomised per interpreter, so one
 * reference instance says "POST, OPTIONS" and the next "OPTIONS, POST" for the tutorial's
 * function-based register view. Class-based views keep a fixed order.
 */
export const RANDOM_ALLOW_ORDER_PATHS: readonly string[] = ['/accounts/register/'];

function sortedAllow(value: string | null): string | null {
  return value === null
    ? null
    : value
        .split(',')
        .map((method) => method.trim())
        .sort()
        .join(', ');
}

/** The comparable view of an answer: everything that must be equal, nothing that may differ. */
function comparable(answer: NormalisedAnswer, options: CompareOptions): unknown {
  return {
    status: answer.status,
    headers: options.allowOrderMayVary ? { ...answer.headers, allow: sortedAllow(answer.headers.allow) } : answer.headers,
    body: answer.body,
    tokens: answer.tokens.map((facts) =>
      options.accessIatMayDiffer && facts.tokenType === 'access' ? { ...facts, lifetime: '(not compared: refresh-access-iat)' } : facts,
    ),
  };
}

/**
 * Asserts that Tessera's answer equals the reference's after normalisation.
 * @param context names the request in the failure message.
 */
export function expectSameAnswer(
  reference: NormalisedAnswer,
  tessera: NormalisedAnswer,
  context: string,
  options: CompareOptions = {},
): void {
  expect(comparable(tessera, options), `${context}: Tessera vs reference`).toEqual(comparable(reference, options));
  const tolerance = options.clockToleranceSeconds ?? 5;
  reference.claims.forEach((referenceClaims, index) => {
    const tesseraClaims = tessera.claims[index] ?? {};
    const skipIat = options.accessIatMayDiffer === true && referenceClaims.token_type === 'access';
    for (const claim of skipIat ? ['exp'] : ['iat', 'exp']) {
      const a = referenceClaims[claim];
      const b = tesseraClaims[claim];
      if (typeof a === 'number' && typeof b === 'number') {
        expect(Math.abs(a - b), `${context}: token #${index} ${claim} ${b} (Tessera) vs ${a} (reference)`).toBeLessThanOrEqual(tolerance);
      }
    }
  });
}

/** Which server a request is built for (requests may carry that server's own tokens). */
export type Side = 'reference' | 'tessera';

/** A request, or a function building each server's request (for flows using its own tokens). */
export type PairRequest = RawRequest | ((side: Side) => RawRequest);

function requestFor(request: PairRequest, side: Side): RawRequest {
  return typeof request === 'function' ? request(side) : request;
}

/** Both answers to one request. */
export interface Exchange {
  readonly reference: NormalisedAnswer;
  readonly tessera: NormalisedAnswer;
}

/** Sends the request to both servers at once (they share no state) and normalises the answers. */
export async function exchange(pair: ServerPair, request: PairRequest): Promise<Exchange> {
  const [reference, tessera] = await Promise.all([
    pair.reference.client.send(requestFor(request, 'reference')),
    pair.tessera.client.send(requestFor(request, 'tessera')),
  ]);
  return { reference: normalise(reference), tessera: normalise(tessera) };
}

function describeRequest(request: PairRequest): string {
  const r = requestFor(request, 'reference');
  return `${r.method} ${r.path}`;
}

/**
 * Sends one request to both servers and asserts equal answers. Returns them, for the test to
 * pull tokens out or to assert what the reference does (a guard against both being wrong).
 */
export async function expectParity(pair: ServerPair, request: PairRequest, options: CompareOptions = {}): Promise<Exchange> {
  const answers = await exchange(pair, request);
  const path = requestFor(request, 'reference').path.split('?')[0] ?? '';
  const allowOrderMayVary = options.allowOrderMayVary ?? RANDOM_ALLOW_ORDER_PATHS.includes(path);
  expectSameAnswer(answers.reference, answers.tessera, describeRequest(request), { ...options, allowOrderMayVary });
  return answers;
}

/** A pattern becomes an asymmetric matcher, so one `toEqual` reports every mismatch at once. */
function matcherFor(value: string | RegExp | null): unknown {
  return value instanceof RegExp ? expect.stringMatching(value) : value;
}

/** Asserts that one answer is what `wantedAnswer` says. */
export function expectAnswer(answer: NormalisedAnswer, wantedAnswer: ExpectedAnswer, context: string): void {
  const actual: Record<string, unknown> = { status: answer.status };
  const wanted: Record<string, unknown> = { status: wantedAnswer.status };
  if (wantedAnswer.body !== undefined) {
    actual.body = answer.body;
    wanted.body = matcherFor(wantedAnswer.body);
  }
  for (const [name, value] of Object.entries(wantedAnswer.headers ?? {})) {
    actual[name] = answer.headers[name as ComparedHeader];
    wanted[name] = matcherFor(value ?? null);
  }
  expect(actual, context).toEqual(wanted);
}

/** The answer-shaped deliberate difference `id`; throws for race entries. */
export function answerDifference(id: DeliberateDifferenceId): AnswerDifference {
  const entry = DELIBERATE_DIFFERENCES[id];
  if (entry.kind !== 'answer') throw new Error(`${id} is not an answer difference`);
  return entry;
}

/**
 * Sends one request to both servers and asserts a known deliberate difference: the reference
 * still answers as the entry says (if it stops, the entry is stale) and Tessera answers its
 * own way. In self-check mode both servers are references, so both must give the reference
 * answer.
 */
export async function expectDeliberateDifference(pair: ServerPair, id: DeliberateDifferenceId, request: PairRequest): Promise<Exchange> {
  const entry = answerDifference(id);
  const answers = await exchange(pair, request);
  const context = `${describeRequest(request)} [deliberate difference ${id}]`;
  expectAnswer(answers.reference, entry.reference, `${context}: reference`);
  expectAnswer(answers.tessera, pair.selfCheck ? entry.reference : entry.tessera, `${context}: ${pair.tessera.label}`);
  return answers;
}
