import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../config/load-settings.js';
import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { openStore } from '../stores/open-store.js';
import type { Store } from '../model/store.js';
import { verifyJws } from '../tokens/jws.js';
import { TokenCodec } from '../tokens/token-codec.js';
import { KeyEncryptionKey } from './key-encryption.js';
import { activateKey, generateSigningKey, KeyRolloverError, retireKey } from './key-rollover.js';
import { openServerKeys, type ServerKeys } from './server-keys.js';

const KEK_TEXT = randomBytes(32).toString('base64');
const kek = KeyEncryptionKey.parse(KEK_TEXT);
const env = { TESSERA_KEY_ENCRYPTION_KEY: KEK_TEXT };
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function settingsWith(overrides: Partial<Settings> = {}): Settings {
  return loadSettings({
    env: { TESSERA_SECRET_KEY: 'not-used-for-es256-0123456789abcdef0123456789' },
    configFile: false,
    overrides: {
      ALGORITHM: 'ES256',
      ACCESS_TOKEN_LIFETIME: 60,
      REFRESH_TOKEN_LIFETIME: 600,
      JWKS_MAX_AGE: 30,
      KEY_POLL_INTERVAL: 5,
      ...overrides,
    },
  }).settings;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

let store: Store;
let serverKeys: ServerKeys | undefined;
beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  await store.migrate();
});
afterEach(async () => {
  serverKeys?.close();
  serverKeys = undefined;
  await store.close();
});

describe('the rollover lifecycle (generated → active → inactive → retired)', () => {
  const settings = settingsWith();

  it('waits JWKS_MAX_AGE + KEY_POLL_INTERVAL before a new key may sign, and refreshes states atomically', async () => {
    const keys = store.keys!;
    const first = await generateSigningKey(keys, kek, 'ES256', { now: at(0) });
    expect(first.state).toBe('generated');
    expect(first.encryptedPrivateKey).toMatch(/^v1\./);
    expect(JSON.parse(first.publicJwk)).not.toHaveProperty('d');

    const early = await rejection(activateKey(keys, first.kid, settings, { now: at(34) }));
    expect(early).toBeInstanceOf(KeyRolloverError);
    expect(early.message).toMatch(/JWKS_MAX_AGE 30 s \+ KEY_POLL_INTERVAL 5 s.*--force/);
    expect((await activateKey(keys, first.kid, settings, { now: at(35) })).state).toBe('active');

    const second = await generateSigningKey(keys, kek, 'ES256', { now: at(100) });
    await activateKey(keys, second.kid, settings, { now: at(135) });
    const states = Object.fromEntries((await keys.listSigningKeys()).map((key) => [key.kid, key.state]));
    expect(states).toEqual({ [first.kid]: 'inactive', [second.kid]: 'active' });

    // The old key verifies until its last token can have expired: poll 5 + refresh 600 s.
    expect((await rejection(retireKey(keys, first.kid, settings, { now: at(135 + 604) }))).message).toMatch(
      /may still be valid until 2030-01-01T00:12:20.000Z/,
    );
    expect((await retireKey(keys, first.kid, settings, { now: at(135 + 605) })).state).toBe('retired');
    expect((await rejection(retireKey(keys, second.kid, settings, { now: at(9999) }))).message).toMatch(
      /is signing; activate another key first/,
    );
    expect((await rejection(activateKey(keys, first.kid, settings, { now: at(9999) }))).message).toMatch(/is retired/);
  });

  it('retires a key that never signed at once, and --force skips the waits', async () => {
    const keys = store.keys!;
    const unused = await generateSigningKey(keys, kek, 'ES256', { now: at(0) });
    expect((await retireKey(keys, unused.kid, settings, { now: at(1) })).state).toBe('retired');
    const forced = await generateSigningKey(keys, kek, 'ES256', { now: at(0) });
    expect((await activateKey(keys, forced.kid, settings, { now: at(1), force: true })).state).toBe('active');
  });

  it('refuses a key of another algorithm than ALGORITHM unless forced, and an unknown kid', async () => {
    const keys = store.keys!;
    const ed = await generateSigningKey(keys, kek, 'EdDSA', { now: at(0) });
    expect((await rejection(activateKey(keys, ed.kid, settings, { now: at(100) }))).message).toMatch(/is EdDSA but ALGORITHM is ES256/);
    expect((await rejection(activateKey(keys, 'nope', settings))).message).toMatch(/no signing key "nope"/);
  });

  it('lets the database hold one active key at most, whatever the caller does', async () => {
    const keys = store.keys!;
    const a = await generateSigningKey(keys, kek, 'ES256', { now: at(0) });
    const b = await generateSigningKey(keys, kek, 'ES256', { now: at(0) });
    await Promise.all([keys.activateSigningKey(a.kid, at(50)), keys.activateSigningKey(b.kid, at(50))]);
    expect((await keys.listSigningKeys()).filter((key) => key.state === 'active')).toHaveLength(1);
    await expect(keys.addSigningKey({ ...a, kid: 'second-active', state: 'active' })).rejects.toThrow();
  });
});

describe('servers follow the key table', () => {
  it('sign with the active key, verify with every published one, and drop retired ones at the next poll', async () => {
    const settings = settingsWith({ KEY_POLL_INTERVAL: 0.1 });
    const keys = store.keys!;
    const first = await generateSigningKey(keys, kek, 'ES256', { now: at(0) });
    await activateKey(keys, first.kid, settings, { force: true });
    serverKeys = await openServerKeys({ settings, store, env });
    const codec = new TokenCodec({ settings, keys: serverKeys });
    const firstToken = codec.encode({ exp: 4102444800 });
    expect(verifyJws(firstToken, serverKeys)).toMatchObject({ ok: true, header: { kid: first.kid } });

    const second = await generateSigningKey(keys, kek, 'ES256');
    expect(await serverKeys.reload()).toBe(true);
    expect(serverKeys.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([first.kid, second.kid]);
    expect(codec.key.kid).toBe(first.kid);

    await activateKey(keys, second.kid, settings, { force: true });
    // The timer (every 0.1 s here) picks the change up without being asked.
    await expect.poll(() => codec.key.kid, { timeout: 2000 }).toBe(second.kid);
    expect(verifyJws(firstToken, serverKeys).ok).toBe(true);

    await retireKey(keys, first.kid, settings, { force: true });
    await expect.poll(() => serverKeys?.publicJwks().keys.length, { timeout: 2000 }).toBe(1);
    expect(verifyJws(firstToken, serverKeys)).toEqual({ ok: false, failure: 'unknown_kid', kid: first.kid });
    expect(await serverKeys.reload()).toBe(false);
  });

  it('refuse to start without the KEK, or with another one, when the database has an active key', async () => {
    const settings = settingsWith();
    const keys = store.keys!;
    const key = await generateSigningKey(keys, kek, 'ES256');
    await activateKey(keys, key.kid, settings, { force: true });
    const missing = await rejection(openServerKeys({ settings, store, env: {} }));
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as ConfigError).setting).toBe('TESSERA_KEY_ENCRYPTION_KEY');
    const wrong = await rejection(
      openServerKeys({ settings, store, env: { TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') } }),
    );
    expect(wrong.message).toMatch(/not the key it was sealed with/);
    expect(wrong.message).not.toContain(KEK_TEXT);
  });

  it('refuse to start with an asymmetric ALGORITHM and no key that can sign', async () => {
    const error = await rejection(openServerKeys({ settings: settingsWith(), store, env }));
    expect((error as ConfigError).setting).toBe('SIGNING_KEY');
    expect(error.message).toMatch(/tessera keys generate/);
  });

  it('refuse database keys beside HMAC keys (one family per keyring)', async () => {
    const keys = store.keys!;
    await generateSigningKey(keys, kek, 'ES256');
    const hmac = settingsWith({ ALGORITHM: 'HS256', SIGNING_KEY: 'x'.repeat(32) });
    const error = await rejection(openServerKeys({ settings: hmac, store, env }));
    expect(error.message).toMatch(/cannot mix HMAC secrets and public keys/);
  });
});
