/**
 * Compact JWS (RFC 7515) for JWTs: strict parsing, then the signature check with a key bound to
 * one algorithm. Everything the header may not do is refused here, before any claim is read.
 */
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { parseJsonObject, type JsonObject } from './json-object.js';
import { isValidKid } from './jwk.js';
import type { KeyResolver, TokenKey } from './signing-key.js';

/** Tokens longer than this are refused unread: no legitimate simplejwt token comes close. */
export const MAX_TOKEN_LENGTH = 8192;

/** Header parameters that would let a token bring or point at its own key (RFC 8725 §3.10). */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/**
 * JWE-only header parameters (RFC 7516 §4.1): on a JWS they mean someone is confusing the two
 * (SEC-14). `p2c` in particular is the PBES2 iteration count of CVE-2022-36083's DoS.
 */
const ENCRYPTION_HEADERS = ['enc', 'zip', 'epk', 'apu', 'apv', 'p2s', 'p2c'] as const;

/** Why a compact JWS was refused. Clients only ever see "Token is invalid or expired". */
export type JwsFailure =
  | 'too_long'
  | 'malformed'
  | 'bad_base64url'
  | 'bad_header'
  | 'alg_mismatch'
  | 'kid_mismatch'
  | 'unknown_kid'
  | 'crit_unsupported'
  | 'unencoded_payload'
  | 'embedded_key'
  | 'encryption_header'
  | 'bad_payload'
  | 'bad_signature';

/** A refusal; `kid` is set for `unknown_kid`, so a remote key set can fetch again. */
export type JwsRefusal = { ok: false; failure: JwsFailure; kid?: string };
export type JwsResult = { ok: true; header: JsonObject; payload: JsonObject } | JwsRefusal;
export type JwsBytesResult = { ok: true; header: JsonObject; payload: Buffer } | JwsRefusal;

/**
 * Python's `json.dumps` default (`ensure_ascii=True`): every non-ASCII character as `\uXXXX`,
 * so tokens are byte-identical to PyJWT's.
 */
export function toAsciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
  return /[^\x00-\x7e]/.test(json)
    ? json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

/**
 * Signs a claim set. The header is PyJWT's: sorted keys, `{"alg":...,"kid":...,"typ":"JWT"}`.
 * `payloadJson` keeps the caller's claim order, as simplejwt's does.
 */
export function signJws(payload: JsonObject, key: TokenKey): string {
  if (!key.canSign) throw new TypeError(`key ${key.kid ?? ''} can only verify`);
  const header = key.kid === undefined ? { alg: key.algorithm, typ: 'JWT' } : { alg: key.algorithm, kid: key.kid, typ: 'JWT' };
  const signingInput = `${encodeBase64Url(toAsciiJson(header))}.${encodeBase64Url(toAsciiJson(payload))}`;
  return `${signingInput}.${encodeBase64Url(key.sign(signingInput))}`;
}

/**
 * Parses and verifies a compact JWS whose payload is a JSON object, with the key `keys` picks
 * for the token's `kid`. A single `TokenKey` is a key set of one.
 *
 * @example
 * ```ts
 * const result = verifyJws(token, keyring);
 * if (result.ok) console.log(result.payload.user_id);
 * ```
 */
export function verifyJws(token: string, keys: KeyResolver): JwsResult {
  return verifyCompact(token, keys, true) as JwsResult;
}

/**
 * As `verifyJws`, for any payload: returns the payload bytes unparsed (JWS test vectors sign
 * arbitrary octets; tokens are always `verifyJws`).
 */
export function verifyJwsBytes(token: string, keys: KeyResolver): JwsBytesResult {
  return verifyCompact(token, keys, false) as JwsBytesResult;
}

function verifyCompact(token: string, keys: KeyResolver, json: boolean): JwsResult | JwsBytesResult {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, failure: 'too_long' };
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) return { ok: false, failure: 'malformed' };

  const headerBytes = decodeBase64Url(token.slice(0, firstDot));
  const payloadBytes = decodeBase64Url(token.slice(firstDot + 1, secondDot));
  const signature = decodeBase64Url(token.slice(secondDot + 1));
  if (headerBytes === undefined || payloadBytes === undefined || signature === undefined) return { ok: false, failure: 'bad_base64url' };

  const header = parseJsonObject(decodeUtf8(headerBytes) ?? '');
  if (header === undefined) return { ok: false, failure: 'bad_header' };
  const headerFailure = checkHeader(header);
  if (headerFailure !== undefined) return { ok: false, failure: headerFailure };

  // Only configured keys are candidates; the header's kid picks among them and nothing else.
  const kid = header.kid as string | undefined;
  const key = keys.keyFor(kid);
  if (key === undefined) return kid === undefined ? { ok: false, failure: 'kid_mismatch' } : { ok: false, failure: 'unknown_kid', kid };
  // Exact, case-sensitive match with the key's binding: "none", "None", "HS512" under an HS256
  // key, or HS256 under an RS256 key all fail here.
  if (header.alg !== key.algorithm) return { ok: false, failure: 'alg_mismatch' };

  // The signature is checked before the payload is parsed: nothing unauthenticated is interpreted.
  if (!key.verify(token.slice(0, secondDot), signature)) return { ok: false, failure: 'bad_signature' };

  if (!json) return { ok: true, header, payload: payloadBytes };
  const payload = parseJsonObject(decodeUtf8(payloadBytes) ?? '');
  if (payload === undefined) return { ok: false, failure: 'bad_payload' };
  return { ok: true, header, payload };
}

function checkHeader(header: JsonObject): JwsFailure | undefined {
  if (typeof header.alg !== 'string') return 'alg_mismatch';
  if ('crit' in header) return 'crit_unsupported';
  if ('b64' in header) return 'unencoded_payload';
  for (const name of KEY_BEARING_HEADERS) if (name in header) return 'embedded_key';
  for (const name of ENCRYPTION_HEADERS) if (name in header) return 'encryption_header';
  if ('kid' in header && !isValidKid(header.kid)) return 'kid_mismatch';
  if ('typ' in header && typeof header.typ !== 'string') return 'bad_header';
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
