/**
 * The keys of a Tessera server, from settings, the database and JWK_URL, kept current while it
 * runs: the key table is re-read every KEY_POLL_INTERVAL seconds (a few rows; the keyring is
 * rebuilt only when a key was added or changed state), so `tessera keys activate` on one machine
 * reaches every server within that interval, with no restart and no signal.
 */
import type { KeySettings } from './key-settings.js';
import { ConfigError } from '../errors.js';
import type { KeyStore, Store } from '../model/store.js';
import { isHmacAlgorithm } from '../tokens/algorithms.js';
import { keyStateChanges, loadDatabaseKeys, NO_DATABASE_KEYS, type DatabaseKeys, type KeyStateChange } from './database-keys.js';
import { KeyEncryptionKey } from './key-encryption.js';
import { Keyring } from './keyring.js';
import { keysFromSettings, type ConfiguredKeys } from './keys-from-settings.js';
import { LiveKeys } from './live-keys.js';
import { RemoteKeySet } from './remote-key-set.js';

export interface ServerKeysOptions {
  readonly settings: KeySettings;
  /** The store whose key table to read, when it has one. */
  readonly store?: Store;
  /** Where TESSERA_KEY_ENCRYPTION_KEY is read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Start-up notes (JWK_URL unreachable, ...). */
  readonly warnings?: string[];
  /** Hears about failed polls and JWK_URL fetches while running; never key material. @default stderr */
  readonly onError?: (error: Error) => void;
  /** For JWK_URL. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Hears each key change a poll finds (`tessera keys` runs in its own process): for metrics. */
  readonly onKeyChange?: (change: KeyStateChange) => void;
}

/** A server's live key set, with the means to reload it and to stop polling. */
export interface ServerKeys extends LiveKeys {
  /** Re-reads the key table now (what the poll does). Resolves to whether the keyring changed. */
  reload(): Promise<boolean>;
  /** Stops polling. */
  close(): void;
}

/**
 * Builds the keys, reads the key table once and starts polling it.
 *
 * @throws {ConfigError} for any unusable key, a missing TESSERA_KEY_ENCRYPTION_KEY when the
 *   database has an active key, or no key able to sign.
 */
export async function openServerKeys(options: ServerKeysOptions): Promise<ServerKeys> {
  const { settings } = options;
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`tessera: keys: ${error.message}\n`));
  const configured = keysFromSettings(settings);
  const keyStore = options.store?.keys;
  const kek = KeyEncryptionKey.fromEnv(options.env ?? process.env);

  const database = keyStore === undefined ? NO_DATABASE_KEYS : await loadDatabaseKeys(keyStore, kek);
  const keyring = keyringOf(configured, database, 'ALGORITHM');
  if (keyring.signingKey === undefined) {
    throw new ConfigError(
      'SIGNING_KEY',
      `${settings.ALGORITHM} needs a private key here (PEM or JWK), or an active key in the database (tessera keys generate, then tessera keys activate)`,
    );
  }

  let remote: RemoteKeySet | undefined;
  if (settings.JWK_URL !== null) {
    if (isHmacAlgorithm(settings.ALGORITHM)) {
      options.warnings?.push(`JWK_URL is ignored with ${settings.ALGORITHM}, as simplejwt ignores it: HMAC keys are never published.`);
    } else {
      remote = new RemoteKeySet({ url: settings.JWK_URL, algorithm: settings.ALGORITHM, fetch: options.fetch, onError });
      if (!(await remote.refresh()))
        options.warnings?.push('JWK_URL could not be fetched at start-up; tokens it should verify are refused until it can.');
    }
  }
  const poll =
    keyStore === undefined
      ? undefined
      : { keyStore, kek, intervalMs: settings.KEY_POLL_INTERVAL * 1000, onError, onKeyChange: options.onKeyChange };
  return new PolledKeys(configured, database, keyring, remote, poll);
}

interface PollOptions {
  readonly keyStore: KeyStore;
  readonly kek: KeyEncryptionKey | undefined;
  readonly intervalMs: number;
  readonly onError: (error: Error) => void;
  readonly onKeyChange: ((change: KeyStateChange) => void) | undefined;
}

/** Live keys that follow the key table: a timer re-reads it, one read at a time. */
class PolledKeys extends LiveKeys implements ServerKeys {
  readonly #configured: ConfiguredKeys;
  readonly #poll: PollOptions | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  #database: DatabaseKeys;
  #polling = false;

  constructor(
    configured: ConfiguredKeys,
    database: DatabaseKeys,
    keyring: Keyring,
    remote: RemoteKeySet | undefined,
    poll: PollOptions | undefined,
  ) {
    super(keyring, remote);
    this.#configured = configured;
    this.#database = database;
    this.#poll = poll;
    this.#timer = poll === undefined ? undefined : setInterval(() => this.#tick(poll), poll.intervalMs);
    // Polling never keeps a process alive on its own.
    this.#timer?.unref();
  }

  async reload(): Promise<boolean> {
    if (this.#poll === undefined) return false;
    const next = await loadDatabaseKeys(this.#poll.keyStore, this.#poll.kek);
    if (next.fingerprint === this.#database.fingerprint) return false;
    this.replace(keyringOf(this.#configured, next, 'DATABASE_URL'));
    const changes = keyStateChanges(this.#database, next);
    this.#database = next;
    for (const change of changes) this.#poll.onKeyChange?.(change);
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #tick(poll: PollOptions): void {
    if (this.#polling) return;
    this.#polling = true;
    // A failed poll keeps the keys this server has; the next one tries again.
    this.reload()
      .catch((error: unknown) => poll.onError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.#polling = false;
      });
  }
}

/** The keyring for configured and database keys: the database's active key signs when there is one. */
function keyringOf(configured: ConfiguredKeys, database: DatabaseKeys, setting: string): Keyring {
  const configuredSigner = configured.primary?.canSign === true ? configured.primary : undefined;
  try {
    return new Keyring({
      signingKey: database.active ?? configuredSigner,
      defaultKey: configured.primary,
      keys: [...configured.verifying, ...database.published],
    });
  } catch (error) {
    throw new ConfigError(setting, `the database's signing keys do not fit the configured ones: ${(error as Error).message}`);
  }
}
