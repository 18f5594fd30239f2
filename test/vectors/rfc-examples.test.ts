/**
 * The RFC examples against Tessera's verifier:
 * - RFC 7515 Appendix A.1 (HS256, the one example whose payload is a JWT claim set) verifies,
 *   and A.5 (the unsecured `alg: none` JWS) is refused. Values copied from the RFC text.
 * - RFC 7520 (the JOSE cookbook, ietf-jose/cookbook, read from the vectors directory): for each
 *   HMAC example, `HmacKey` reproduces the published MAC over the published signing input
 *   byte for byte, and every serialization the example publishes is then judged by `verifyJws`:
 *   refused, each for the reason in REFUSED_BY_JWT_POLICY. The RSA, RSA-PSS, ECDSA and (RFC 8037)
 *   Ed25519 examples use NOT_YET_SUPPORTED_ALGORITHMS and are refused by today's verifier.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJws, type JwsFailure } from '../../src/tokens/jws.js';
import { HmacKey } from '../../src/tokens/signing-key.js';
import {
  hmacKeysFromPublicKey,
  NOT_YET_SUPPORTED_ALGORITHMS,
  SUPPORTED_HMAC_ALGORITHMS,
  type HmacAlgorithmName,
} from './support/not-yet-supported.js';
import { readVectorFile, vectorsDir, type CookbookJws, type CookbookSigning, type Jwk } from './support/vectors.js';

/** RFC 7515 A.1.1: the JWK `k`. */
const RFC7515_A1_KEY = 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow';
/** RFC 7515 A.1.1: the compact JWS. Its header and payload JSON contain CRLFs: the MAC is over these exact bytes. */
const RFC7515_A1_TOKEN =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
  '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
  '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
/** RFC 7515 A.5: the same claims, unsecured. */
const RFC7515_A5_TOKEN =
  'eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.';

describe('RFC 7515 Appendix A', () => {
  const key = HmacKey.fromSecret(Buffer.from(RFC7515_A1_KEY, 'base64url'), 'HS256');

  it('A.1 (HS256) verifies, header and claims as the RFC prints them', () => {
    expect(verifyJws(RFC7515_A1_TOKEN, key)).toEqual({
      ok: true,
      header: { typ: 'JWT', alg: 'HS256' },
      payload: { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true },
    });
  });

  it('A.1 with one signature bit flipped is refused', () => {
    const flipped = `${RFC7515_A1_TOKEN.slice(0, -2)}${RFC7515_A1_TOKEN.endsWith('jXk') ? 'Xl' : 'Xk'}`;
    expect(verifyJws(flipped, key).ok).toBe(false);
  });

  it('A.5 (alg "none", unsecured) is refused', () => {
    expect(verifyJws(RFC7515_A5_TOKEN, key)).toMatchObject({ ok: false, failure: 'alg_mismatch' });
  });
});

/** The serializations a cookbook example publishes, each under a name. */
function serializations(example: CookbookJws): [string, string][] {
  const { compact, json, json_flat: flat } = example.output;
  return [
    ...(compact === undefined ? [] : [['compact', compact] as [string, string]]),
    ...(json === undefined ? [] : [['general JSON', JSON.stringify(json)] as [string, string]]),
    ...(flat === undefined ? [] : [['flattened JSON', JSON.stringify(flat)] as [string, string]]),
  ];
}

const PROSE = 'the payload is RFC 7520 §3 prose, not a JSON object: Tessera verifies JWTs only (RFC 7519 §7.2 step 10)';
const JSON_SERIALIZATION = 'JSON serialization is refused: compact only (checklist SEC-01, CVE-2022-39227)';

/**
 * Every cookbook HMAC serialization, with the refusal expected and why. Compact JWS with a prose
 * payload verify their MAC and are refused by the JWT policy only.
 */
const REFUSED_BY_JWT_POLICY: Readonly<Record<string, { failure: JwsFailure; reason: string }>> = {
  '4_4.hmac-sha2_integrity_protection.json compact': { failure: 'bad_payload', reason: PROSE },
  '4_4.hmac-sha2_integrity_protection.json general JSON': { failure: 'malformed', reason: JSON_SERIALIZATION },
  '4_4.hmac-sha2_integrity_protection.json flattened JSON': { failure: 'malformed', reason: JSON_SERIALIZATION },
  '4_5.signature_with_detached_content.json compact': {
    failure: 'bad_signature',
    reason:
      'detached content (an empty payload segment; RFC 7515 App. F) is not supported: the MAC is over a payload the token does not carry',
  },
  '4_5.signature_with_detached_content.json general JSON': { failure: 'malformed', reason: JSON_SERIALIZATION },
  '4_5.signature_with_detached_content.json flattened JSON': { failure: 'malformed', reason: JSON_SERIALIZATION },
  '4_6.protecting_specific_header_fields.json general JSON': {
    failure: 'malformed',
    reason: `${JSON_SERIALIZATION}; unprotected headers exist only there`,
  },
  '4_6.protecting_specific_header_fields.json flattened JSON': {
    failure: 'malformed',
    reason: `${JSON_SERIALIZATION}; unprotected headers exist only there`,
  },
  '4_7.protecting_content_only.json general JSON': {
    failure: 'malformed',
    reason: `${JSON_SERIALIZATION}; an empty protected header exists only there`,
  },
  '4_7.protecting_content_only.json flattened JSON': {
    failure: 'malformed',
    reason: `${JSON_SERIALIZATION}; an empty protected header exists only there`,
  },
  '4_8.multiple_signatures.json general JSON': {
    failure: 'malformed',
    reason: `${JSON_SERIALIZATION}; several signatures exist only there`,
  },
};

const cookbookFiles = readdirSync(join(vectorsDir(), 'jose-cookbook/jws'))
  .filter((name) => name.endsWith('.json'))
  .sort();

interface Signer {
  readonly jwk: Jwk;
  readonly alg: string;
  readonly signing: CookbookSigning;
}

/** Each (key, alg, signing) of an example; 4_8 has three. */
function signers(example: CookbookJws): Signer[] {
  const keys = Array.isArray(example.input.key) ? example.input.key : [example.input.key];
  const algs = Array.isArray(example.input.alg) ? example.input.alg : [example.input.alg];
  const signings = Array.isArray(example.signing) ? example.signing : [example.signing];
  return signings.map((signing, index) => ({ jwk: keys[index] as Jwk, alg: algs[index] ?? '', signing }));
}

const isHmac = (alg: string): alg is HmacAlgorithmName => (SUPPORTED_HMAC_ALGORITHMS as readonly string[]).includes(alg);

describe('RFC 7520 (JOSE cookbook) JWS examples', () => {
  it('finds the eight examples of RFC 7520 §4', () => {
    expect(cookbookFiles).toHaveLength(8);
  });

  describe.each(cookbookFiles)('%s', (fileName) => {
    const example = readVectorFile<CookbookJws>(`jose-cookbook/jws/${fileName}`);
    const hmacSigners = signers(example).filter((signer) => isHmac(signer.alg));

    it('HMAC signers: HmacKey reproduces the published MAC byte for byte', () => {
      for (const { jwk, alg, signing } of hmacSigners) {
        const key = HmacKey.fromSecret(Buffer.from(jwk.k ?? '', 'base64url'), alg as HmacAlgorithmName);
        expect(key.sign(signing['sig-input']).toString('base64url')).toBe(signing.sig);
        expect(key.verify(signing['sig-input'], Buffer.from(signing.sig, 'base64url'))).toBe(true);
      }
    });

    it('every serialization is judged: HMAC ones as the policy table says, the others refused as not yet supported', () => {
      for (const [form, token] of serializations(example)) {
        const name = `${fileName} ${form}`;
        const policy = REFUSED_BY_JWT_POLICY[name];
        if (hmacSigners.length > 0) {
          expect(policy, `${name}: an HMAC serialization missing from the policy table`).toBeDefined();
          const { jwk, alg } = hmacSigners[0] as Signer;
          const key = HmacKey.fromSecret(Buffer.from(jwk.k ?? '', 'base64url'), alg as HmacAlgorithmName, jwk.kid);
          expect(verifyJws(token, key), `${name}: ${policy?.reason}`).toEqual({ ok: false, failure: policy?.failure });
          continue;
        }
        // Not an HMAC example: every algorithm it uses is in the not-yet-supported table.
        for (const { jwk, alg } of signers(example)) {
          expect(Object.keys(NOT_YET_SUPPORTED_ALGORITHMS), name).toContain(alg);
          for (const key of hmacKeysFromPublicKey(jwk)) expect(verifyJws(token, key).ok, name).toBe(false);
        }
      }
    });
  });

  it('lists no serialization the files do not publish', () => {
    const published = cookbookFiles.flatMap((fileName) =>
      serializations(readVectorFile<CookbookJws>(`jose-cookbook/jws/${fileName}`)).map(([form]) => `${fileName} ${form}`),
    );
    for (const name of Object.keys(REFUSED_BY_JWT_POLICY)) expect(published).toContain(name);
  });
});

describe('RFC 8037 Appendix A.4 (Ed25519), from the cookbook', () => {
  const example = readVectorFile<CookbookJws>('jose-cookbook/curve25519/jws.json');

  it("uses EdDSA, listed as not yet supported, and is refused by today's verifier", () => {
    expect(example.input.alg).toBe('EdDSA');
    expect(NOT_YET_SUPPORTED_ALGORITHMS.EdDSA).toBeDefined();
    const compact = example.output.compact ?? '';
    expect(compact).toBe(
      'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
    );
    for (const key of hmacKeysFromPublicKey(example.input.key as Jwk)) expect(verifyJws(compact, key).ok).toBe(false);
  });
});
