/**
 * Where the external test vectors live, and typed readers for them. The vectors are data taken
 * from public sources (Wycheproof, the IETF JOSE cookbook); they are not copied into this
 * repository: the tests read them from the steering checkout's `shared/vectors` (beside this
 * repository) or from the directory `TESSERA_VECTORS_DIR` names.
 *
 * A missing directory fails the tests with a message saying where they looked: vector tests
 * that silently do not run would prove nothing.
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

/** Reads and parses one vector file, by its path inside the vectors directory. */
export function readVectorFile<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(vectorsDir(), relativePath), 'utf8')) as T;
}

/** A JSON Web Key as the vectors spell it (every member a string, or a list for key_ops). */
export type Jwk = Record<string, string> & { kty: string; alg?: string; kid?: string; k?: string };

/** `testvectors_v1/json_web_signature_test.json`. */
export interface WycheproofJwsFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly {
    readonly comment: string;
    readonly private: Jwk;
    readonly public?: Jwk;
    readonly tests: readonly {
      tcId: number;
      comment: string;
      jws: string | Record<string, unknown>;
      result: 'valid' | 'invalid';
      flags: string[];
    }[];
  }[];
}

/** `testvectors_v1/json_web_key_test.json`. */
export interface WycheproofJwkFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly {
    readonly comment: string;
    readonly private: { keys: Jwk[] };
    readonly public?: { keys: Jwk[] };
    readonly tests: readonly { tcId: number; comment: string; jws: string; result: 'valid' | 'invalid'; flags: string[] }[];
  }[];
}

/** One RFC 7520 cookbook JWS example (`jose-cookbook/jws/4_*.json`, `curve25519/jws.json`). */
export interface CookbookJws {
  readonly title: string;
  readonly reproducible?: boolean;
  readonly input: { payload: string; key: Jwk | Jwk[]; alg: string | string[] };
  readonly signing: CookbookSigning | CookbookSigning[];
  readonly output: { compact?: string; json?: Record<string, unknown>; json_flat?: Record<string, unknown> };
}

export interface CookbookSigning {
  readonly protected?: Record<string, unknown>;
  readonly protected_b64u?: string;
  readonly unprotected?: Record<string, unknown>;
  readonly 'sig-input': string;
  readonly sig: string;
}

/** The `alg` a compact token's header names, or `undefined` when the header does not decode. */
export function headerAlg(token: string): string | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'alg' in header && typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}
