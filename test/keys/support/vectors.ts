/**
 * The shared JOSE vectors (Wycheproof, RFC 7520 cookbook, RFC 8037), read by path from
 * `../shared/vectors` beside the repository, or from `TESSERA_VECTORS_DIR`. Nothing is copied
 * into the project. A missing directory fails loudly: vector tests that do not run prove nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireOutsideFolder } from '../../../scripts/outside-folders.mjs';

/**
 * The vectors directory: `$TESSERA_VECTORS_DIR`, else `shared/vectors` beside the repository
 * (scripts/outside-folders.mjs says where it looks).
 * Checked when a suite imports this module, so a missing folder fails each file at once with one
 * message naming it, before any test runs.
 */
const VECTORS_DIR = requireOutsideFolder('vectors');

export function vectorsDir(): string {
  return VECTORS_DIR;
}

export function readVector<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(vectorsDir(), relativePath), 'utf8')) as T;
}

/** A JWK as the vector files spell it. */
export type VectorJwk = Record<string, unknown> & { kty?: string; alg?: string; kid?: string };

export interface WycheproofTest {
  readonly tcId: number | string;
  readonly comment: string;
  readonly jws: string | Record<string, unknown>;
  readonly result: 'valid' | 'invalid';
}

export interface WycheproofJwsGroup {
  readonly comment: string;
  readonly private: VectorJwk;
  readonly public?: VectorJwk;
  readonly tests: readonly WycheproofTest[];
}

export interface WycheproofJwkGroup {
  readonly comment: string;
  readonly private: { keys: VectorJwk[] };
  readonly public?: { keys: VectorJwk[] };
  readonly tests: readonly WycheproofTest[];
}

export interface CookbookJws {
  readonly title: string;
  readonly reproducible?: boolean;
  readonly input: { payload: string; key: VectorJwk; alg: string };
  readonly signing: { 'sig-input': string; sig: string };
  readonly output: { compact: string };
}

/** A compact token's header, or `undefined` when it does not decode. */
export function headerOf(token: string): Record<string, unknown> | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The public members of a JWK (what a JWKS would publish). */
export function publicPart(jwk: VectorJwk): VectorJwk {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'].includes(name))) as VectorJwk;
}
