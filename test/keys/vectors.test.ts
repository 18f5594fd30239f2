/**
 * External vectors for the asymmetric algorithms (issue 8): RFC 7520 cookbook §4.1-4.4 and §3
 * keys, RFC 8037's Ed25519 example, Wycheproof `json_web_signature_test.json` (every group with
 * a public key) and `json_web_key_test.json` (every group: the keyring rules are ours). Valid
 * vectors verify with the vector's key; invalid ones are refused, at key import or at
 * verification. The HS-only groups of the signature file are test/vectors' (the HS subset).
 */
import { describe, expect, it } from 'vitest';
import { keyFromJwk } from '../../src/keys/import-key.js';
import { Keyring } from '../../src/keys/keyring.js';
import { verifyingKeyFromJwk } from '../../src/keys/keys-from-settings.js';
import { isSupportedAlgorithm, type Algorithm } from '../../src/tokens/algorithms.js';
import { AsymmetricKey } from '../../src/tokens/asymmetric-key.js';
import { verifyJwsBytes } from '../../src/tokens/jws.js';
import type { TokenKey } from '../../src/tokens/signing-key.js';
import {
  headerOf,
  publicPart,
  readVector,
  type CookbookJws,
  type VectorJwk,
  type WycheproofJwkGroup,
  type WycheproofJwsGroup,
  type WycheproofTest,
} from './support/vectors.js';

const compact = (test: WycheproofTest): string => (typeof test.jws === 'string' ? test.jws : JSON.stringify(test.jws));
const headerAlgorithm = (token: string): Algorithm | undefined => {
  const alg = headerOf(token)?.alg;
  return typeof alg === 'string' && isSupportedAlgorithm(alg) ? alg : undefined;
};

/** A key from a vector JWK, or the reason it is refused. */
function imported(jwk: VectorJwk, algorithm: Algorithm, role: 'sign' | 'verify'): TokenKey | Error {
  try {
    return keyFromJwk(jwk, algorithm, { role });
  } catch (error) {
    return error as Error;
  }
}

describe('RFC 7520 cookbook §4 and RFC 8037 §A.4 signatures', () => {
  const examples = [
    'jws/4_1.rsa_v15_signature.json',
    'jws/4_2.rsa-pss_signature.json',
    'jws/4_3.ecdsa_signature.json',
    'jws/4_4.hmac-sha2_integrity_protection.json',
    'curve25519/jws.json',
  ];

  it.each(examples)('%s: the compact output verifies with the public key, and our signature over the input verifies', (path) => {
    const example = readVector<CookbookJws>(`jose-cookbook/${path}`);
    const algorithm = example.input.alg as Algorithm;
    const signer = imported(example.input.key, algorithm, 'sign');
    if (signer instanceof Error) throw signer;
    const verifier = algorithm.startsWith('HS') ? signer : imported(publicPart(example.input.key), algorithm, 'verify');
    if (verifier instanceof Error) throw verifier;

    const result = verifyJwsBytes(example.output.compact, verifier);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.payload.toString('utf8')).toBe(example.input.payload);

    const ours = signer.sign(example.signing['sig-input']).toString('base64url');
    // RSA v1.5, HMAC and Ed25519 are deterministic: byte for byte the RFC's signature.
    if (example.reproducible === true) expect(ours).toBe(example.signing.sig);
    expect(verifier.verify(example.signing['sig-input'], Buffer.from(ours, 'base64url'))).toBe(true);

    // One flipped bit in the signature, or a different algorithm in the header, is refused.
    const [header, payload, signature] = example.output.compact.split('.') as [string, string, string];
    const flipped = Buffer.from(signature, 'base64url');
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(verifyJwsBytes(`${header}.${payload}.${flipped.toString('base64url')}`, verifier)).toMatchObject({ ok: false });
    const otherAlg = algorithm === 'HS256' ? 'HS512' : 'HS256';
    expect(
      verifyJwsBytes(
        example.output.compact.replace(header, Buffer.from(JSON.stringify({ alg: otherAlg })).toString('base64url')),
        verifier,
      ),
    ).toEqual({
      ok: false,
      failure: 'alg_mismatch',
    });
  });
});

describe('RFC 7520 cookbook §3 keys', () => {
  const key = (name: string) => readVector<VectorJwk>(`jose-cookbook/jwk/${name}`);

  it('3.1/3.2: the P-521 public and private keys are one ES512 pair, refused for ES256', () => {
    const publicKey = imported(key('3_1.ec_public_key.json'), 'ES512', 'verify') as AsymmetricKey;
    const privateKey = imported(key('3_2.ec_private_key.json'), 'ES512', 'sign') as AsymmetricKey;
    expect(publicKey).toBeInstanceOf(AsymmetricKey);
    expect(privateKey.canSign).toBe(true);
    expect(privateKey.publicJwk()).toEqual(publicKey.publicJwk());
    expect(publicKey.kid).toBe('bilbo.baggins@hobbiton.example');
    expect(imported(key('3_1.ec_public_key.json'), 'ES256', 'verify')).toBeInstanceOf(Error);
    // A private key is not accepted where only a public one belongs (VERIFYING_KEY, a JWKS).
    expect(imported(key('3_2.ec_private_key.json'), 'ES512', 'verify')).toBeInstanceOf(Error);
  });

  it('3.3/3.4: the RSA public and private keys are one pair, usable for RS* and PS*, never for ES* or HS*', () => {
    const privateKey = imported(key('3_4.rsa_private_key.json'), 'PS256', 'sign') as AsymmetricKey;
    const publicKey = imported(key('3_3.rsa_public_key.json'), 'PS256', 'verify') as AsymmetricKey;
    expect(privateKey.publicJwk()).toEqual(publicKey.publicJwk());
    const signature = privateKey.sign('input');
    expect(publicKey.verify('input', signature)).toBe(true);
    for (const wrong of ['ES256', 'EdDSA', 'HS256'] as const)
      expect(imported(key('3_3.rsa_public_key.json'), wrong, 'verify')).toBeInstanceOf(Error);
  });

  it('3.5 is an HS256 key; 3.6 (an A256GCM encryption key) is refused for signing', () => {
    expect(imported(key('3_5.symmetric_key_mac_computation.json'), 'HS256', 'sign')).toMatchObject({
      algorithm: 'HS256',
      kid: '018c0ae5-4d9b-471b-bfd6-eef314bc7037',
    });
    expect(imported(key('3_5.symmetric_key_mac_computation.json'), 'RS256', 'verify')).toBeInstanceOf(Error);
    expect((imported(key('3_6.symmetric_key_encryption.json'), 'HS256', 'sign') as Error).message).toMatch(/"use" is "enc"/);
  });
});

describe('Wycheproof json_web_signature_test.json, asymmetric groups', () => {
  const file = readVector<{ numberOfTests: number; testGroups: WycheproofJwsGroup[] }>('wycheproof/json_web_signature_test.json');
  const groups = file.testGroups.filter((group) => group.public !== undefined);

  it('covers every group with a public key: RS*, PS*, ES256, ES512 (rfc7520) and the wrong-use keys', () => {
    expect(groups).toHaveLength(19);
    const count = groups.reduce((total, group) => total + group.tests.length, 0);
    const hmacOnly = file.testGroups.filter((group) => group.public === undefined).reduce((total, group) => total + group.tests.length, 0);
    expect(count + hmacOnly).toBe(file.numberOfTests);
  });

  /**
   * Wycheproof labels the RFC 7520 RSA key `"alg":"PS256"` in groups whose token is PS384
   * (Figure 20). RFC 7517 §4.4 makes a JWK's `alg` the algorithm the key is for, and Tessera
   * binds the key to it, so that key refuses a PS384 token. The vector still verifies once the
   * key is bound to PS384: the signature itself is good.
   */
  const MISLABELLED = new Set(['346', '350']);

  const cases = groups.flatMap((group) => group.tests.map((test) => ({ group, test })));
  it.each(
    cases.map((entry) => [`tc${entry.test.tcId} ${entry.group.comment} ${entry.test.comment} (${entry.test.result})`, entry] as const),
  )('%s', (_name, { group, test }) => {
    const token = compact(test);
    const declared = group.public?.alg === 'ES521' ? 'ES512' : group.public?.alg;
    const algorithm = declared !== undefined && isSupportedAlgorithm(declared) ? declared : (headerAlgorithm(token) ?? 'RS256');
    const key = imported(group.public ?? {}, algorithm, 'verify');

    if (MISLABELLED.has(String(test.tcId))) {
      expect(key).toBeInstanceOf(AsymmetricKey);
      expect(verifyJwsBytes(token, key as TokenKey)).toEqual({ ok: false, failure: 'alg_mismatch' });
      const rebound = imported({ ...group.public, alg: 'PS384' }, 'PS384', 'verify') as TokenKey;
      expect(verifyJwsBytes(token, rebound).ok).toBe(true);
      return;
    }
    if (key instanceof Error) {
      // Refused at import: only invalid vectors may come here (keys marked for encryption).
      expect(test.result, key.message).toBe('invalid');
      return;
    }
    expect(verifyJwsBytes(token, key).ok).toBe(test.result === 'valid');
  });

  it('signs with every private key in the file, and the public key verifies it', () => {
    for (const group of groups) {
      const alg = group.private.alg === 'ES521' ? 'ES512' : group.private.alg;
      if (alg === undefined || !isSupportedAlgorithm(alg) || group.private.use === 'enc') continue;
      const signer = imported(group.private, alg, 'sign');
      const verifier = imported(group.public ?? {}, alg, 'verify');
      if (Array.isArray(group.private.key_ops) && !group.private.key_ops.includes('sign')) {
        // rfc7520WithKeyOps spells one private key's key_ops ["sign, verify"]: one string, neither op.
        expect(signer).toBeInstanceOf(Error);
        continue;
      }
      if (signer instanceof Error || verifier instanceof Error) throw signer instanceof Error ? signer : verifier;
      expect(verifier.verify('eyJhbGciOiJSUzI1NiJ9.Zm9v', signer.sign('eyJhbGciOiJSUzI1NiJ9.Zm9v'))).toBe(true);
    }
  });
});

describe('Wycheproof json_web_key_test.json: keys and key sets', () => {
  const file = readVector<{ numberOfTests: number; testGroups: WycheproofJwkGroup[] }>('wycheproof/json_web_key_test.json');
  const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

  it('runs all 26 vectors', () => {
    expect(cases).toHaveLength(26);
  });

  /** The keyring a verification-only server builds from the group's keys (VERIFYING_KEYS, a JWKS). */
  function keyringOf(group: WycheproofJwkGroup, algorithm: Algorithm): Keyring {
    const jwks = group.public?.keys ?? group.private.keys;
    return new Keyring({ keys: jwks.map((jwk) => verifyingKeyFromJwk(jwk, algorithm)) });
  }

  it.each(
    cases.map((entry) => [`tc${entry.test.tcId} ${entry.group.comment} ${entry.test.comment} (${entry.test.result})`, entry] as const),
  )('%s', (_name, { group, test }) => {
    const token = compact(test);
    const algorithm = headerAlgorithm(token);
    expect(algorithm).toBeDefined();
    let keyring: Keyring;
    try {
      keyring = keyringOf(group, algorithm as Algorithm);
    } catch (error) {
      expect(test.result, (error as Error).message).toBe('invalid');
      return;
    }
    expect(verifyJwsBytes(token, keyring).ok).toBe(test.result === 'valid');
  });

  it('refuses the weak keys at import with the reason (SEC-10)', () => {
    const reason = (comment: string): string => {
      const group = file.testGroups.find((candidate) => candidate.comment === comment);
      try {
        keyringOf(group as WycheproofJwkGroup, 'RS256');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(reason('keysize_too_small')).toMatch(/1024 bits; RS256 needs at least 2048/);
    expect(reason('exponentOne')).toMatch(/exponent 1 is unsafe/);
    expect(reason('jws_rsa_roca_key')).toMatch(/ROCA/);
  });
});
