/**
 * Signature keys (RS*, PS*, ES*, EdDSA) over node:crypto `KeyObject`s: the private key signs, the
 * public key verifies, and each key is bound to one algorithm when it is built. Building one
 * checks the key against its algorithm (type, curve, size, exponent, ROCA): a key that does not
 * fit never exists, so nothing can go wrong later on the verification path.
 *
 * The verification hot path is one `crypto.verify` with options prepared at construction
 * (docs/decisions.md D1, D6): ECDSA signatures are IEEE P1363 R‖S of the exact length (DER is
 * refused, SEC-16), PSS uses a salt as long as the hash (RFC 7518 §3.5).
 */
import {
  constants,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  type SignKeyObjectInput,
  type VerifyKeyObjectInput,
} from 'node:crypto';
import { SIGNATURE_ALGORITHM_SPECS, type SignatureAlgorithm, type SignatureAlgorithmSpec } from './algorithms.js';
import { jwkThumbprint, type JwkObject, type PublicJwk } from './jwk.js';
import { hasRocaFingerprint } from './roca.js';
import { singleKeyFor, type TokenKey } from './signing-key.js';

/** The smallest RSA modulus accepted (RFC 7518 §3.3, SEC-10). */
export const MIN_RSA_MODULUS_BITS = 2048;

/** node:crypto's names of the JOSE curves. */
const NODE_CURVE_NAMES: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/**
 * Why `publicKey` cannot verify `algorithm`, or `undefined` when it can: the wrong kind of key,
 * curve or size, a weak RSA exponent, or a ROCA modulus.
 */
export function signatureKeyProblem(publicKey: KeyObject, algorithm: SignatureAlgorithm): string | undefined {
  if (publicKey.type !== 'public') return `a ${publicKey.type} key where a public key is needed`;
  const spec = SIGNATURE_ALGORITHM_SPECS[algorithm];
  const type = publicKey.asymmetricKeyType;
  const details = publicKey.asymmetricKeyDetails ?? {};
  switch (spec.family) {
    case 'RSA':
    case 'RSA-PSS': {
      if (type !== 'rsa') return `${algorithm} needs an RSA key, not ${describeKeyType(type)}`;
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_MODULUS_BITS) return `the RSA key has ${bits} bits; ${algorithm} needs at least ${MIN_RSA_MODULUS_BITS}`;
      const exponent = details.publicExponent ?? 0n;
      if (exponent < 3n || exponent % 2n === 0n) return `the RSA public exponent ${exponent} is unsafe (it must be odd and at least 3)`;
      if (hasRocaFingerprint(rsaModulus(publicKey))) return 'the RSA key has the ROCA fingerprint (CVE-2017-15361): it can be factored';
      return undefined;
    }
    case 'EC': {
      if (type !== 'ec') return `${algorithm} needs an EC key on ${spec.curve}, not ${describeKeyType(type)}`;
      if (details.namedCurve !== NODE_CURVE_NAMES[spec.curve ?? '']) {
        return `${algorithm} needs the curve ${spec.curve}, not ${details.namedCurve ?? 'an unnamed curve'}`;
      }
      return undefined;
    }
    case 'OKP':
      return type === 'ed25519' ? undefined : `${algorithm} needs an Ed25519 key, not ${describeKeyType(type)}`;
  }
}

function describeKeyType(type: string | undefined): string {
  return type === undefined ? 'a key of unknown type' : `an ${type.toUpperCase()} key`;
}

function rsaModulus(publicKey: KeyObject): bigint {
  const n = publicKey.export({ format: 'jwk' }).n ?? '';
  return BigInt(`0x${Buffer.from(n, 'base64url').toString('hex') || '0'}`);
}

/** The options `crypto.sign`/`crypto.verify` take for `algorithm`, with `key`. */
function cryptoKeyInput<K extends KeyObject>(key: K, spec: SignatureAlgorithmSpec): K | SignKeyObjectInput | VerifyKeyObjectInput {
  if (spec.family === 'RSA-PSS') return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashBytes };
  if (spec.family === 'EC') return { key, dsaEncoding: 'ieee-p1363' };
  return key;
}

/**
 * A public key (and, for signing, its private key) bound to one signature algorithm.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * const key = AsymmetricKey.fromKeyObjects('ES256', { privateKey, publicKey });
 * ```
 */
export class AsymmetricKey implements TokenKey {
  readonly algorithm: SignatureAlgorithm;
  readonly kid: string;
  readonly canSign: boolean;
  readonly #hash: string | null;
  readonly #verifyInput: KeyObject | VerifyKeyObjectInput;
  readonly #signInput: KeyObject | SignKeyObjectInput | undefined;
  readonly #signatureBytes: number;
  readonly #publicJwk: PublicJwk;
  readonly #publicKey: KeyObject;

  private constructor(algorithm: SignatureAlgorithm, publicKey: KeyObject, privateKey: KeyObject | undefined, kid: string | undefined) {
    const spec = SIGNATURE_ALGORITHM_SPECS[algorithm];
    this.algorithm = algorithm;
    this.#hash = spec.hash;
    this.#publicKey = publicKey;
    this.#verifyInput = cryptoKeyInput(publicKey, spec);
    this.#signInput = privateKey === undefined ? undefined : cryptoKeyInput(privateKey, spec);
    this.canSign = privateKey !== undefined;
    // RSA signatures are exactly as long as the modulus (RFC 8017 §8.2.2); prepended zeros or a
    // truncated value are refused before OpenSSL sees them.
    this.#signatureBytes = spec.signatureBytes ?? Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    const jwk = publicKey.export({ format: 'jwk' }) as JwkObject;
    this.kid = kid ?? jwkThumbprint(jwk);
    this.#publicJwk = publishedJwk(jwk, this.kid, algorithm);
  }

  /**
   * Binds a key pair (or a lone public key, for verification) to `algorithm`.
   *
   * @param kid The key id; the RFC 7638 thumbprint of the public key when absent.
   * @throws {TypeError} with the reason when the key does not fit the algorithm, is too weak, or
   *   the private key is not the public key's pair. Callers wrap it in a `ConfigError` naming the
   *   setting it came from.
   */
  static fromKeyObjects(
    algorithm: SignatureAlgorithm,
    keys: { publicKey?: KeyObject; privateKey?: KeyObject },
    kid?: string,
  ): AsymmetricKey {
    const { privateKey } = keys;
    if (privateKey !== undefined && privateKey.type !== 'private')
      throw new TypeError(`a ${privateKey.type} key where a private key is needed`);
    const publicKey = keys.publicKey ?? (privateKey === undefined ? undefined : createPublicKey(privateKey));
    if (publicKey === undefined) throw new TypeError('no key given');
    const problem = signatureKeyProblem(publicKey, algorithm);
    if (problem !== undefined) throw new TypeError(problem);
    if (privateKey !== undefined && keys.publicKey !== undefined && !samePublicKey(createPublicKey(privateKey), keys.publicKey)) {
      throw new TypeError('the public key is not the pair of the private key');
    }
    return new AsymmetricKey(algorithm, publicKey, privateKey, kid);
  }

  keyFor(kid: string | undefined): TokenKey | undefined {
    return singleKeyFor(this, kid);
  }

  sign(signingInput: string): Buffer {
    if (this.#signInput === undefined) throw new TypeError(`key ${this.kid} can only verify`);
    return cryptoSign(this.#hash, Buffer.from(signingInput, 'latin1'), this.#signInput);
  }

  verify(signingInput: string, signature: Buffer): boolean {
    if (signature.length !== this.#signatureBytes) return false;
    try {
      return cryptoVerify(this.#hash, Buffer.from(signingInput, 'latin1'), this.#verifyInput, signature);
    } catch {
      // OpenSSL refuses some malformed values by throwing rather than returning false.
      return false;
    }
  }

  publicJwk(): PublicJwk {
    return this.#publicJwk;
  }

  /** The public key, for exporting (PEM, DER) and comparing. */
  get publicKey(): KeyObject {
    return this.#publicKey;
  }

  /** Keeps key material out of logs. */
  toJSON(): { algorithm: SignatureAlgorithm; kid: string } {
    return { algorithm: this.algorithm, kid: this.kid };
  }
}

/** Whether two public keys are the same key (their SPKI encodings are equal). */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ format: 'der', type: 'spki' }).equals(b.export({ format: 'der', type: 'spki' }));
}

/** The JWK a JWKS publishes: the public members node:crypto exports, plus kid, use and alg. */
function publishedJwk(jwk: JwkObject, kid: string, algorithm: SignatureAlgorithm): PublicJwk {
  const kty = jwk.kty as PublicJwk['kty'];
  const members =
    kty === 'RSA'
      ? { n: jwk.n as string, e: jwk.e as string }
      : { crv: jwk.crv as string, x: jwk.x as string, ...(kty === 'EC' ? { y: jwk.y as string } : {}) };
  return Object.freeze({ kty, kid, use: 'sig', alg: algorithm, ...members });
}
