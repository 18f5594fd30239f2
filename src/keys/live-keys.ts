/**
 * The key set a running Tessera uses: the current keyring (swapped whole when the key table
 * changes) and, with JWK_URL, a remote JWKS consulted for kids the keyring does not know.
 *
 * `keyFor` is on every request's path: two field reads and a map lookup, no allocation, no
 * promise (docs/decisions.md D7).
 */
import type { PublicJwkSet } from '../tokens/jwk.js';
import type { TokenKey, TokenKeys } from '../tokens/signing-key.js';
import type { Keyring } from './keyring.js';
import type { RemoteKeySet } from './remote-key-set.js';

export class LiveKeys implements TokenKeys {
  #keyring: Keyring;
  readonly #remote: RemoteKeySet | undefined;
  /** Present only with a remote JWKS: the codec then waits for one fetch on an unknown kid. */
  readonly refreshForKid?: (kid: string) => Promise<boolean>;

  constructor(keyring: Keyring, remote?: RemoteKeySet) {
    this.#keyring = keyring;
    this.#remote = remote;
    if (remote !== undefined) this.refreshForKid = (kid) => remote.refreshForKid(kid);
  }

  get signingKey(): TokenKey | undefined {
    return this.#keyring.signingKey;
  }

  keyFor(kid: string | undefined): TokenKey | undefined {
    const key = this.#keyring.keyFor(kid);
    return key !== undefined || this.#remote === undefined ? key : this.#remote.keyFor(kid);
  }

  /** The public keys this instance publishes (never the remote set's: those are someone else's). */
  publicJwks(): PublicJwkSet {
    return this.#keyring.publicJwks();
  }

  get keyring(): Keyring {
    return this.#keyring;
  }

  /** Swaps in a new keyring; verifications already running finish with the old one. */
  replace(keyring: Keyring): void {
    this.#keyring = keyring;
  }
}
