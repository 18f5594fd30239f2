/** What verifying a password finds, and how it may be asked to verify. */

/** What verifying a password against a stored hash found. */
export interface VerifyResult {
  /** The password matches the hash. */
  readonly valid: boolean;
  /**
   * The hash should be replaced by `hashPassword(plain)`: it is a Django hash or an argon2
   * hash weaker than the current parameters. Only ever true together with `valid`.
   */
  readonly needsRehash: boolean;
}

/** Options of `verifyPassword`. */
export interface VerifyOptions {
  /**
   * Let Django's MD5 and SHA-1 formats (salted and unsalted) match. Off by default; the
   * `ALLOW_WEAK_DJANGO_HASHES` setting turns it on, for the weeks after an import.
   */
  readonly allowWeakDjangoHashes?: boolean;
  /**
   * The client address whose line the check waits in (`hashing-slots.ts`); none: the line of
   * work without an address (CLI, library calls).
   */
  readonly client?: string;
}

/** No match. */
export const INVALID: VerifyResult = Object.freeze({ valid: false, needsRehash: false });
