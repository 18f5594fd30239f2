import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { openStore } from './open-store.js';

async function configError(url: string): Promise<ConfigError> {
  try {
    const store = await openStore(url);
    await store.close();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe('DATABASE_URL');
    return error as ConfigError;
  }
  throw new Error(`openStore(${url}) should have failed`);
}

describe('openStore', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'tessera-open-store-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('opens sqlite::memory: as a working, empty store', async () => {
    const store = await openStore('sqlite::memory:');
    await store.migrate();
    const user = await store.createUser({ username: 'alice', password: 'x' });
    expect(await store.findUser('id', user.id)).toEqual(user);
    await store.close();
  });

  it('opens sqlite:PATH, creating the file', async () => {
    const path = join(scratch, 'tessera.sqlite3');
    expect(existsSync(path)).toBe(false);
    const store = await openStore(`sqlite:${path}`);
    await store.migrate();
    await store.close();
    expect(existsSync(path)).toBe(true);
    const again = await openStore(`sqlite:${path}`);
    await again.migrate();
    expect(await again.listUsers()).toEqual([]);
    await again.close();
  });

  it('refuses sqlite:// instead of guessing which path was meant', async () => {
    expect((await configError(`sqlite://${join(scratch, 'x.sqlite3')}`)).message).toMatch(/sqlite:PATH/);
    expect(existsSync(join(scratch, 'x.sqlite3'))).toBe(false);
  });

  it('refuses an empty SQLite path and a missing directory', async () => {
    await configError('sqlite:');
    expect((await configError(`sqlite:${join(scratch, 'missing', 'db.sqlite3')}`)).message).toMatch(/does not exist/);
  });

  it('names DATABASE_URL when PostgreSQL cannot be reached, without echoing the password', async () => {
    for (const url of ['postgres://tessera:s3cret@db.internal/tessera', 'postgresql://tessera:s3cret@db.internal/tessera']) {
      const error = await configError(url);
      expect(error.message).toMatch(/cannot open the PostgreSQL database/);
      expect(error.message).not.toMatch(/s3cret/);
    }
  });

  it('refuses other schemes and non-URLs, naming only the scheme', async () => {
    const mysql = await configError('mysql://root:s3cret@localhost/db');
    expect(mysql.message).toMatch(/"mysql:"/);
    expect(mysql.message).not.toMatch(/s3cret/);
    await configError('');
    await configError('./tessera.sqlite3');
  });
});
