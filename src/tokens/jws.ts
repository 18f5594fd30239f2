/**
 * Compact JWS (RFC 7515) for JWTs: strict parsing, then the signature check with a key bound to
 * one algorithm. Everything the header may not do is refused here, before any claim is read.
 */
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { parseJsonObject, type JsonObject } from './json-object.js';
import type { TokenKey } from './signing-key.js';

/** Tokens longer than this are refused unread: no legitimate simplejwt token comes close. */
export const MAX_TOKEN_LENGTH = 8192;

/** Header parameters that would let a token bring or point at its own key (RFC 8725 §3.10). */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

/** Why a compact JWS was refused. Clients only ever see "Token is invalid or expired". */
export type JwsFailure =
  | 'too_long'
  | 'malformed'
  | 'bad_base64url'
  | 'bad_header'
  | 'alg_mismatch'
  | 'kid_mismatch'
  | 'crit_unsupported'
  | 'unencoded_payload'
  | 'embedded_key'
  | 'bad_payload'
  | 'bad_signature';

export type JwsResult = { ok: true; header: JsonObject; payload: JsonObject } | { ok: false; failure: JwsFailure };

/**
 * Python's `json.dumps` default (`ensure_ascii=True`): every non-ASCII character as `\uXXXX`,
 * so tokens are byte-identical to PyJWT's.
 */
export function toAsciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  return /[^\x00-\x7e]/.test(json)
    ? json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

/**
 * Signs a claim set. The header is PyJWT's: sorted keys, `{"alg":...,"kid":...,"typ":"JWT"}`.
 * `payloadJson` keeps the caller's claim order, as simplejwt's does.
 */
export function signJws(payload: JsonObject, key: TokenKey): string {
  const header = key.kid === undefined ? { alg: key.algorithm, typ: 'JWT' } : { alg: key.algorithm, kid: key.kid, typ: 'JWT' };
  const signingInput = `${encodeBase64Url(toAsciiJson(header))}.${encodeBase64Url(toAsciiJson(payload))}`;
  return `${signingInput}.${encodeBase64Url(key.sign(signingInput))}`;
}

/** Parses and verifies a compact JWS whose payload is a JSON object. */
export function verifyJws(token: string, key: TokenKey): JwsResult {
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
  const headerFailure = checkHeader(header, key);
  if (headerFailure !== undefined) return { ok: false, failure: headerFailure };

  // The signature is checked before the payload is parsed: nothing unauthenticated is interpreted.
  if (!key.verify(token.slice(0, secondDot), signature)) return { ok: false, failure: 'bad_signature' };

  const payload = parseJsonObject(decodeUtf8(payloadBytes) ?? '');
  if (payload === undefined) return { ok: false, failure: 'bad_payload' };
  return { ok: true, header, payload };
}

function checkHeader(header: JsonObject, key: TokenKey): JwsFailure | undefined {
  // Exact, case-sensitive match: "none", "None", "HS512" under an HS256 key all fail here.
  if (header.alg !== key.algorithm) return 'alg_mismatch';
  if ('crit' in header) return 'crit_unsupported';
  if ('b64' in header) return 'unencoded_payload';
  if (KEY_BEARING_HEADERS.some((name) => name in header)) return 'embedded_key';
  if ('kid' in header && (typeof header.kid !== 'string' || (key.kid !== undefined && header.kid !== key.kid))) return 'kid_mismatch';
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
