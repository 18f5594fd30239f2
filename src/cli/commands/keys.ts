/**
 * `tessera keys generate|list|activate|retire`: signing-key rollover without downtime
 * (docs/keys.md). Keys live in the database; private keys are sealed with
 * TESSERA_KEY_ENCRYPTION_KEY. Running servers pick changes up within KEY_POLL_INTERVAL.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Settings } from '../../config/settings.js';
import { loadSettings } from '../../config/load-settings.js';
import { ConfigError } from '../../errors.js';
import { sealContext } from '../../keys/database-keys.js';
import { KEY_ENCRYPTION_KEY_VARIABLE, KeyEncryptionKey } from '../../keys/key-encryption.js';
import { activatableAt, activateKey, generateSigningKey, retirableAt, retireKey, RSA_GENERATION_BITS } from '../../keys/key-rollover.js';
import { openStore } from '../../stores/open-store.js';
import type { KeyStore, StoredSigningKey } from '../../model/store.js';
import type { AuthEventSink } from '../../model/auth-events.js';
import { stderrLogger } from '../../model/logger.js';
import { createEventSink } from '../../observability/event-sink.js';
import { isSignatureAlgorithm, SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../../tokens/algorithms.js';

/**
 * Runs `work` with the settings, the migrated store's key table and an event sink (key changes
 * are audited: a row, and a JSON log line on stderr), closing the store after.
 */
async function withKeyStore<T>(work: (keys: KeyStore, settings: Settings, events: AuthEventSink) => Promise<T>): Promise<T> {
  const { settings } = loadSettings();
  const store = await openStore(settings.DATABASE_URL);
  try {
    await store.migrate();
    const keys = store.keys;
    if (keys === undefined) throw new ConfigError('DATABASE_URL', 'this store keeps no signing keys');
    const { audit } = store;
    const events = createEventSink({ recordAudit: audit === undefined ? undefined : (row) => audit.recordAudit(row), log: stderrLogger });
    return await work(keys, settings, events);
  } finally {
    await store.close();
  }
}

function requiredKek(): KeyEncryptionKey {
  const kek = KeyEncryptionKey.fromEnv(process.env);
  if (kek === undefined)
    throw new ConfigError(KEY_ENCRYPTION_KEY_VARIABLE, 'is required to keep private keys in the database (e.g. `openssl rand -base64 32`)');
  return kek;
}

function algorithm(value: string): SignatureAlgorithm {
  if (isSignatureAlgorithm(value)) return value;
  throw new InvalidArgumentError(`one of ${SIGNATURE_ALGORITHMS.join(', ')} (HMAC secrets are configured, not generated)`);
}

function rsaBits(value: string): number {
  const bits = Number(value);
  if ((RSA_GENERATION_BITS as readonly number[]).includes(bits)) return bits;
  throw new InvalidArgumentError(`one of ${RSA_GENERATION_BITS.join(', ')}`);
}

function describe(key: StoredSigningKey, settings: Settings, now: Date): string {
  const note =
    key.state === 'generated'
      ? `published, not signing; may activate from ${activatableAt(key, settings).toISOString()}`
      : key.state === 'active'
        ? `signing since ${key.activatedAt?.toISOString() ?? '?'}`
        : key.state === 'inactive'
          ? `verify-only since ${key.deactivatedAt?.toISOString() ?? '?'}; may retire ${retirableAt(key, settings) <= now ? 'now' : `from ${retirableAt(key, settings).toISOString()}`}`
          : `retired ${key.retiredAt?.toISOString() ?? ''}`;
  return `${key.kid}  ${key.algorithm.padEnd(5)}  ${key.state.padEnd(9)}  ${note}`;
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('Rotate signing keys: generate, list, activate, retire (docs/keys.md).');

  keys
    .command('generate')
    .description('Generate a key pair; it is published at once and signs only once activated.')
    .option('--algorithm <alg>', 'RS256..512, PS256..512, ES256..512 or EdDSA (default: ALGORITHM)', algorithm)
    .option('--rsa-bits <bits>', 'RSA modulus size', rsaBits, 3072)
    .action(async (options: { algorithm?: SignatureAlgorithm; rsaBits: number }) => {
      const kek = requiredKek();
      await withKeyStore(async (store, settings, events) => {
        const chosen = options.algorithm ?? settings.ALGORITHM;
        if (!isSignatureAlgorithm(chosen))
          throw new ConfigError('ALGORITHM', `is ${chosen}; pass --algorithm to generate an asymmetric key`);
        const key = await generateSigningKey(store, kek, chosen, { rsaBits: options.rsaBits });
        await events.emit({ action: 'key.generated', subject: key.kid, detail: { algorithm: key.algorithm } });
        process.stdout.write(`${describe(key, settings, new Date())}\n`);
      });
    });

  keys
    .command('list')
    .description('List the keys, oldest first, with what each may do next.')
    .option('--json', 'as JSON (no key material)')
    .action(async (options: { json?: boolean }) => {
      await withKeyStore(async (store, settings) => {
        const now = new Date();
        const rows = await store.listSigningKeys();
        if (options.json === true) {
          const shown = rows.map(({ encryptedPrivateKey: _sealed, publicJwk, ...row }) => ({
            ...row,
            publicJwk: JSON.parse(publicJwk) as unknown,
          }));
          process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) process.stdout.write('No keys in the database; SIGNING_KEY signs.\n');
        for (const row of rows) process.stdout.write(`${describe(row, settings, now)}\n`);
      });
    });

  keys
    .command('activate <kid>')
    .description('Make a key the signing key; the previous one keeps verifying until retired.')
    .option('--force', 'activate even if verifiers may not know the key yet')
    .action(async (kid: string, options: { force?: boolean }) => {
      const kek = requiredKek();
      await withKeyStore(async (store, settings, events) => {
        const target = (await store.listSigningKeys()).find((row) => row.kid === kid);
        // Servers must be able to decrypt it: check the KEK opens it before it becomes the signer.
        if (target !== undefined) kek.open(target.encryptedPrivateKey, sealContext(target)).fill(0);
        const key = await activateKey(store, kid, settings, { force: options.force === true });
        await events.emit({
          action: 'key.activated',
          subject: key.kid,
          detail: { algorithm: key.algorithm, forced: options.force === true },
        });
        process.stdout.write(`${describe(key, settings, new Date())}\n`);
      });
    });

  keys
    .command('retire <kid>')
    .description('Stop publishing and accepting a key, once every token it signed has expired.')
    .option('--force', 'retire now, invalidating the tokens it signed that are still live')
    .action(async (kid: string, options: { force?: boolean }) => {
      await withKeyStore(async (store, settings, events) => {
        const key = await retireKey(store, kid, settings, { force: options.force === true });
        await events.emit({
          action: 'key.retired',
          subject: key.kid,
          detail: { algorithm: key.algorithm, forced: options.force === true },
        });
        process.stdout.write(`${describe(key, settings, new Date())}\n`);
      });
    });

  return keys;
}
