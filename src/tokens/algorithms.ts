/**
 * The JWS algorithms Tessera signs and verifies with (RFC 7518 §3, RFC 8037 §3.1), and what
 * each one demands of its key. A key is bound to exactly one of these when it is built; nothing
 * in a token can change that binding.
 */

/** HMAC algorithms: one shared secret signs and verifies. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/** Signature algorithms: a private key signs, the public key verifies. */
export const SIGNATURE_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Every algorithm `ALGORITHM` may name. `none` is not one of them, and never will be. */
export const SUPPORTED_ALGORITHMS = [...HMAC_ALGORITHMS, ...SIGNATURE_ALGORITHMS] as const;
export type Algorithm = HmacAlgorithm | SignatureAlgorithm;

/** The JWK key type (`kty`) and node:crypto key type each signature algorithm needs. */
export type SignatureFamily = 'RSA' | 'RSA-PSS' | 'EC' | 'OKP';

export interface SignatureAlgorithmSpec {
  readonly family: SignatureFamily;
  /** The digest node:crypto is given; `null` for EdDSA, which hashes internally. */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** Digest length in bytes: the PSS salt length (RFC 7518 §3.5). */
  readonly hashBytes: number;
  /** The JWK `crv` for EC and OKP keys. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** Fixed signature length in bytes (ECDSA R‖S, Ed25519); RSA's is the modulus length. */
  readonly signatureBytes?: number;
}

export const SIGNATURE_ALGORITHM_SPECS: Readonly<Record<SignatureAlgorithm, SignatureAlgorithmSpec>> = {
  RS256: { family: 'RSA', hash: 'sha256', hashBytes: 32 },
  RS384: { family: 'RSA', hash: 'sha384', hashBytes: 48 },
  RS512: { family: 'RSA', hash: 'sha512', hashBytes: 64 },
  PS256: { family: 'RSA-PSS', hash: 'sha256', hashBytes: 32 },
  PS384: { family: 'RSA-PSS', hash: 'sha384', hashBytes: 48 },
  PS512: { family: 'RSA-PSS', hash: 'sha512', hashBytes: 64 },
  ES256: { family: 'EC', hash: 'sha256', hashBytes: 32, curve: 'P-256', signatureBytes: 64 },
  ES384: { family: 'EC', hash: 'sha384', hashBytes: 48, curve: 'P-384', signatureBytes: 96 },
  ES512: { family: 'EC', hash: 'sha512', hashBytes: 64, curve: 'P-521', signatureBytes: 132 },
  EdDSA: { family: 'OKP', hash: null, hashBytes: 0, curve: 'Ed25519', signatureBytes: 64 },
};

/** The HMAC digest and the minimum key length (RFC 7518 §3.2: at least the digest's size). */
export const HMAC_ALGORITHM_SPECS: Readonly<Record<HmacAlgorithm, { readonly hash: string; readonly minKeyBytes: number }>> = {
  HS256: { hash: 'sha256', minKeyBytes: 32 },
  HS384: { hash: 'sha384', minKeyBytes: 48 },
  HS512: { hash: 'sha512', minKeyBytes: 64 },
};

export function isHmacAlgorithm(algorithm: string): algorithm is HmacAlgorithm {
  return (HMAC_ALGORITHMS as readonly string[]).includes(algorithm);
}

export function isSignatureAlgorithm(algorithm: string): algorithm is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm);
}

export function isSupportedAlgorithm(algorithm: string): algorithm is Algorithm {
  return isHmacAlgorithm(algorithm) || isSignatureAlgorithm(algorithm);
}
