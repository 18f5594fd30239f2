/**
 * Wycheproof's JSON Web Signature vectors (C2SP/wycheproof, testvectors_v1) against Tessera's
 * verifier: `verifyJws` with an `HmacKey` made from the vector's JWK `k` bytes. Every one of
 * the 401 vectors runs:
 * - HMAC vectors: invalid ones are refused, for a reason other than Tessera's JWT policy (so
 *   the refusal comes from the defect the vector plants); valid ones verify, except those listed
 *   in REFUSED_BY_JWT_POLICY, which are refused on purpose, each for the reason given there;
 * - every other vector uses an algorithm from NOT_YET_SUPPORTED_ALGORITHMS and must be refused
 *   by today's verifier, even with HMAC keys made from the vector's own public key.
 */
import { describe, expect, it } from 'vitest';
import { verifyJws, type JwsFailure } from '../../src/tokens/jws.js';
import { HmacKey } from '../../src/tokens/signing-key.js';
import {
  hmacKeysFromPublicKey,
  NOT_YET_SUPPORTED_ALGORITHMS,
  SUPPORTED_HMAC_ALGORITHMS,
  type HmacAlgorithmName,
} from './support/not-yet-supported.js';
import { headerAlg, readVectorFile, type Jwk, type WycheproofJwsFile } from './support/vectors.js';

const file = readVectorFile<WycheproofJwsFile>('wycheproof/json_web_signature_test.json');

const NOT_A_JWT = (payload: string): string =>
  `the payload is the bytes ${JSON.stringify(payload)}, not a JSON object: Tessera verifies JWTs only (RFC 7519 §7.2 step 10)`;
const RFC7520_PROSE = NOT_A_JWT('It’s a dangerous business, Frodo, …');
const LENIENT_BASE64 =
  'a "?" inside a segment is not base64url; Wycheproof marks it valid for decoders that skip foreign characters, ' +
  'Tessera accepts only canonical base64url (RFC 7515 §2, RFC 8725bis "Check JWT Format Type", checklist SEC-01)';

/**
 * Vectors that are valid JWS but that Tessera refuses by policy: the reviewed list, with the
 * exact refusal expected. Anything valid and not listed here must verify.
 */
const REFUSED_BY_JWT_POLICY: Readonly<Record<number, { failure: JwsFailure; reason: string }>> = {
  1: { failure: 'bad_payload', reason: NOT_A_JWT('foo') },
  348: { failure: 'bad_payload', reason: RFC7520_PROSE },
  352: { failure: 'bad_payload', reason: RFC7520_PROSE },
  357: { failure: 'bad_payload', reason: NOT_A_JWT('Test') },
  358: { failure: 'bad_payload', reason: NOT_A_JWT('T21325668') },
  359: { failure: 'bad_payload', reason: NOT_A_JWT('T8123413') },
  372: { failure: 'bad_base64url', reason: LENIENT_BASE64 },
  373: { failure: 'bad_base64url', reason: LENIENT_BASE64 },
  376: { failure: 'bad_payload', reason: NOT_A_JWT('Test') },
  377: { failure: 'bad_payload', reason: NOT_A_JWT('Test') },
};

/**
 * Data quirks of this snapshot: tc367 and tc370 ("invalidBase64Padding", "...InPayload") are
 * byte-identical to the valid tc357, the `=` padding their comments name is not in the string.
 * The test checks they still are (so a corrected file makes it fail and this entry go), and runs
 * the case each was meant to be: the same token with the padding put back, which must be refused.
 */
const PADDING_LOST_IN_SNAPSHOT: Readonly<Record<number, { sameAs: number; intended: (token: string) => string }>> = {
  367: { sameAs: 357, intended: (token) => `${token}=` },
  370: { sameAs: 357, intended: (token) => token.replace('.VGVzdA.', '.VGVzdA==.') },
};

type Group = WycheproofJwsFile['testGroups'][number];
type Vector = Group['tests'][number];

/** The token as a string: the JSON-serialization vector (tc17) is an object, sent as its JSON text. */
function tokenText(vector: Vector): string {
  return typeof vector.jws === 'string' ? vector.jws : JSON.stringify(vector.jws);
}

function isHmacGroup(group: Group): boolean {
  return group.private.kty === 'oct';
}

/**
 * The algorithm a vector exercises. For the rfc7520 groups the JWK's `alg` is wrong on purpose
 * (PS256 for a PS384 token, "ES521" for ES512; json_web_crypto.md), so the header decides there.
 */
function algorithmOf(group: Group, vector: Vector): string | undefined {
  const fromHeader = typeof vector.jws === 'string' ? headerAlg(vector.jws) : undefined;
  if (group.comment.startsWith('rfc7520')) return fromHeader;
  return group.private.alg ?? fromHeader;
}

function hmacKeyOf(jwk: Jwk): HmacKey {
  const algorithm = jwk.alg as HmacAlgorithmName;
  expect(SUPPORTED_HMAC_ALGORITHMS).toContain(algorithm);
  return HmacKey.fromSecret(Buffer.from(jwk.k ?? '', 'base64url'), algorithm, jwk.kid);
}

const hmacVectors = file.testGroups.filter(isHmacGroup).flatMap((group) => group.tests.map((vector) => ({ group, vector })));
const otherVectors = file.testGroups
  .filter((group) => !isHmacGroup(group))
  .flatMap((group) => group.tests.map((vector) => ({ group, vector })));
const label = ({ group, vector }: { group: Group; vector: Vector }): string =>
  `tc${vector.tcId} ${group.comment} ${vector.comment} (${vector.result})`;

describe('Wycheproof json_web_signature_test.json', () => {
  it('runs every vector in the file: HMAC ones against HmacKey, the rest as not-yet-supported', () => {
    expect(file.numberOfTests).toBe(401);
    expect(hmacVectors.length + otherVectors.length).toBe(file.numberOfTests);
    expect(hmacVectors.length).toBe(40);
  });

  it('lists only valid HMAC vectors as refused by policy (the table cannot hide an invalid one)', () => {
    for (const id of Object.keys(REFUSED_BY_JWT_POLICY).map(Number)) {
      const found = hmacVectors.find(({ vector }) => vector.tcId === id);
      expect(found?.vector.result, `tc${id}`).toBe('valid');
    }
  });

  describe('HMAC vectors, verified with an HmacKey from the JWK bytes', () => {
    it.each(hmacVectors.map((entry) => [label(entry), entry] as const))('%s', (_name, { group, vector }) => {
      const key = hmacKeyOf(group.private);
      const quirk = PADDING_LOST_IN_SNAPSHOT[vector.tcId];
      if (quirk !== undefined) {
        const twin = hmacVectors.find((entry) => entry.vector.tcId === quirk.sameAs);
        expect(tokenText(vector), 'the snapshot quirk is gone: drop this entry').toBe(twin === undefined ? '' : tokenText(twin.vector));
      }
      const token = quirk === undefined ? tokenText(vector) : quirk.intended(tokenText(vector));
      const result = verifyJws(token, key);
      const policy = REFUSED_BY_JWT_POLICY[vector.tcId];
      if (vector.result === 'invalid') {
        expect(result.ok).toBe(false);
        // Refused for the planted defect, not merely because the payload is not a JWT claim set.
        expect(result.ok ? undefined : result.failure).not.toBe('bad_payload');
        return;
      }
      if (policy === undefined) {
        expect(result.ok, JSON.stringify(result)).toBe(true);
        return;
      }
      expect(result, policy.reason).toEqual({ ok: false, failure: policy.failure });
      if (policy.failure === 'bad_payload') {
        // The MAC itself is right: the vector verifies, and only the JWT policy refuses it.
        const lastDot = token.lastIndexOf('.');
        expect(key.verify(token.slice(0, lastDot), Buffer.from(token.slice(lastDot + 1), 'base64url'))).toBe(true);
      }
    });
  });

  describe("not yet supported algorithms (issue 8): refused by today's verifier", () => {
    it.each(otherVectors.map((entry) => [label(entry), entry] as const))('%s', (_name, { group, vector }) => {
      const algorithm = algorithmOf(group, vector) ?? '(none)';
      expect(Object.keys(NOT_YET_SUPPORTED_ALGORITHMS), `algorithm ${algorithm} is neither HS* nor listed as not yet supported`).toContain(
        algorithm,
      );
      for (const key of hmacKeysFromPublicKey(group.public ?? group.private)) {
        expect(verifyJws(tokenText(vector), key).ok).toBe(false);
      }
    });
  });
});
