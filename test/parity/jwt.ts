/**
 * Minting and reading JWTs by hand for the parity suite.
 *
 * Forged tokens are signed here with node:crypto (not with Tessera's own code or jose), so a
 * bug in Tessera's token code cannot make its own forgeries pass: both servers judge bytes
 * that neither of them produced.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A claim set in the order it should be serialised (JS keeps string-key insertion order). */
export type Claims = Record<string, unknown>;

/** A decoded compact JWS, with the exact JSON texts of its header and payload. */
export interface DecodedJwt {
  readonly headerText: string;
  readonly header: Record<string, unknown>;
  readonly payloadText: string;
  /** The parsed payload; usually an object, but forged tokens may carry anything. */
  readonly payload: unknown;
  readonly signature: string;
}

export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

const HASH_OF: Record<HmacAlgorithm, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** Options for {@link signJwt}. */
export interface SignOptions {
  /** The HMAC key. */
  readonly secret: string;
  /** `none` produces an unsigned token with an empty signature segment. Default HS256. */
  readonly alg?: HmacAlgorithm | 'none';
  /** Replaces the whole header; default `{"alg":<alg>,"typ":"JWT"}`, PyJWT's exact bytes. */
  readonly header?: Record<string, unknown>;
}

/**
 * Signs `payload` (claims, or a raw payload text for malformed-payload cases) as a compact JWS.
 *
 * @example
 * ```ts
 * signJwt(accessClaims({ userId: 1 }), { secret });            // a valid access token
 * signJwt(accessClaims({ userId: 1 }), { secret, alg: 'none' }); // alg:none forgery
 * ```
 */
export function signJwt(payload: Claims | string, options: SignOptions): string {
  const alg = options.alg ?? 'HS256';
  const header = options.header ?? { alg, typ: 'JWT' };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  if (alg === 'none') return `${signingInput}.`;
  return `${signingInput}.${createHmac(HASH_OF[alg], options.secret).update(signingInput).digest('base64url')}`;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes a compact JWS without verifying it. `undefined` when `token` is not one (three
 * base64url segments whose header is a JSON object naming an `alg`).
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signature] = parts as [string, string, string];
  if (!SEGMENT.test(headerPart) || !SEGMENT.test(payloadPart) || (signature !== '' && !SEGMENT.test(signature))) return undefined;
  const headerText = Buffer.from(headerPart, 'base64url').toString('utf8');
  const header = parseJsonObject(headerText);
  if (!header || typeof header.alg !== 'string') return undefined;
  const payloadText = Buffer.from(payloadPart, 'base64url').toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    payload = undefined;
  }
  return { headerText, header, payloadText, payload, signature };
}

/** The claims of a token known to carry an object payload; throws otherwise. */
export function claimsOf(token: string): Claims {
  const decoded = decodeJwt(token);
  if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null || Array.isArray(decoded.payload)) {
    throw new Error(`not a JWT with a claims object: ${token.slice(0, 40)}...`);
  }
  return decoded.payload as Claims;
}

/** A jti as simplejwt makes them: uuid4().hex, 32 lowercase hex digits. */
export function newJti(): string {
  return randomBytes(16).toString('hex');
}

/** Unix seconds, floored as simplejwt's datetime_to_epoch does. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Inputs for the claim builders; every field has simplejwt's default. */
export interface ClaimOptions {
  readonly userId?: unknown;
  readonly iat?: number;
  /** Seconds from `iat` to `exp`. */
  readonly lifetime?: number;
  readonly jti?: string;
}

function standardClaims(tokenType: string, defaultLifetime: number, options: ClaimOptions): Claims {
  const iat = options.iat ?? nowSeconds();
  // simplejwt's order: token_type, exp, iat, jti, then user_id (for_user).
  return {
    token_type: tokenType,
    exp: iat + (options.lifetime ?? defaultLifetime),
    iat,
    jti: options.jti ?? newJti(),
    user_id: options.userId ?? 1,
  };
}

/** Claims of an access token as simplejwt 5.2.2 mints it (5 minutes). */
export function accessClaims(options: ClaimOptions = {}): Claims {
  return standardClaims('access', 300, options);
}

/** Claims of a refresh token as simplejwt 5.2.2 mints it (1 day). */
export function refreshClaims(options: ClaimOptions = {}): Claims {
  return standardClaims('refresh', 86_400, options);
}

/** Claims of a sliding token (token_type, exp, iat, jti, refresh_exp, user_id). */
export function slidingClaims(options: ClaimOptions = {}): Claims {
  const base = standardClaims('sliding', 300, options);
  const iat = base.iat as number;
  return { token_type: base.token_type, exp: base.exp, iat, jti: base.jti, refresh_exp: iat + 86_400, user_id: base.user_id };
}

/** A copy of `claims` without `names`, order otherwise kept. */
export function withoutClaims(claims: Claims, ...names: string[]): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));
}

/** A copy of `claims` with `changes` applied in place (existing claims keep their position). */
export function withClaims(claims: Claims, changes: Claims): Claims {
  return { ...claims, ...changes };
}
