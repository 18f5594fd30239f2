/**
 * Registered-claim checks, in PyJWT 2.6's order and with its arithmetic (what simplejwt 5.2.2
 * runs): `iat` and `nbf` not in the future, `exp` not passed, then `iss` and `aud` when
 * configured. "Now" is whole seconds here, as PyJWT computes it.
 *
 * One deliberate difference: a NumericDate must be a JSON number. PyJWT also takes strings and
 * booleans through Python's `int()`, and simplejwt then crashes on a string `exp` (a 500);
 * Tessera refuses them as invalid tokens (docs/compatibility.md).
 */
import type { JsonObject } from './json-object.js';

export interface ClaimRules {
  /** Allowed clock skew, seconds. */
  readonly leeway: number;
  readonly audience: string | readonly string[] | null;
  readonly issuer: string | null;
}

/**
 * The last second a date can name (9999-12-31T23:59:59Z): Python's datetime ends there, and so
 * does every database column Tessera writes `exp` into. Beyond it simplejwt answers 500.
 */
const LATEST_NUMERIC_DATE = 253_402_300_799;

/**
 * `int()` of a JSON number as Python does it (truncation), or `undefined` for anything else,
 * including numbers no calendar date can be (|value| past year 9999).
 */
export function numericDate(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > LATEST_NUMERIC_DATE) return undefined;
  return Math.trunc(value);
}

/** Why registered claims were refused (a subset of `TokenErrorReason`). */
export type ClaimFailure = 'bad_claim' | 'not_yet_valid' | 'expired' | 'issuer_mismatch' | 'audience_mismatch';

/**
 * Checks the registered claims of a signature-checked payload at `nowSeconds`: `undefined` when
 * they are acceptable, else the first failure in PyJWT's order.
 */
export function registeredClaimsFailure(payload: JsonObject, nowSeconds: number, rules: ClaimRules): ClaimFailure | undefined {
  const now = Math.floor(nowSeconds);
  if ('iat' in payload) {
    const iat = numericDate(payload.iat);
    if (iat === undefined) return 'bad_claim';
    if (iat > now + rules.leeway) return 'not_yet_valid';
  }
  if ('nbf' in payload) {
    const nbf = numericDate(payload.nbf);
    if (nbf === undefined) return 'bad_claim';
    if (nbf > now + rules.leeway) return 'not_yet_valid';
  }
  if ('exp' in payload) {
    const exp = numericDate(payload.exp);
    if (exp === undefined) return 'bad_claim';
    if (exp <= now - rules.leeway) return 'expired';
  }
  if (rules.issuer !== null && payload.iss !== rules.issuer) return 'issuer_mismatch';
  if (rules.audience !== null && !audienceMatches(payload.aud, rules.audience)) return 'audience_mismatch';
  return undefined;
}

/** Whether the registered claims are acceptable at `nowSeconds` (see {@link registeredClaimsFailure}). */
export function registeredClaimsValid(payload: JsonObject, nowSeconds: number, rules: ClaimRules): boolean {
  return registeredClaimsFailure(payload, nowSeconds, rules) === undefined;
}

function audienceMatches(claim: unknown, audience: string | readonly string[]): boolean {
  const claimed = typeof claim === 'string' ? [claim] : claim;
  if (!Array.isArray(claimed) || claimed.length === 0 || claimed.some((item) => typeof item !== 'string')) return false;
  const accepted = typeof audience === 'string' ? [audience] : audience;
  return accepted.some((item) => claimed.includes(item));
}
