/**
 * `pg` and `redis` are optional peer dependencies. Configured without them, start-up stops with
 * a message naming the setting and the package. Each case runs in a fresh Node process whose
 * loader hook makes the package unresolvable, exactly as when it was never installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from './support/cli-server.js';

const run = promisify(execFile);
const DIST = resolve(import.meta.dirname, '../dist');

/** Resolving the package named in HIDE fails as it does for a package that is not installed. */
const LOADER = `
export async function resolve(specifier, context, next) {
  if (specifier === process.env.HIDE) {
    const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;

const MAIN = `
const { createTessera } = await import(process.argv[2]);
try {
  const tessera = await createTessera({ configFile: false });
  await tessera.close();
  console.log('started');
} catch (error) {
  console.log(error.name + ': ' + error.message);
}
`;

let dir: string;

async function startWithout(hidden: string, env: Record<string, string>): Promise<string> {
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(join(dir, 'loader.mjs')).href)})`;
  const { stdout } = await run(
    process.execPath,
    ['--import', register, join(dir, 'main.mjs'), pathToFileURL(join(DIST, 'index.js')).href],
    {
      env: { PATH: process.env.PATH ?? '', HIDE: hidden, TESSERA_SECRET_KEY: TEST_SECRET, ...env },
      cwd: dir,
      timeout: 30_000,
    },
  );
  return stdout.trim();
}

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/ is not built: run `npm run build` first (`npm test` does)');
  dir = mkdtempSync(join(tmpdir(), 'tessera-peers-'));
  writeFileSync(join(dir, 'loader.mjs'), LOADER);
  writeFileSync(join(dir, 'main.mjs'), MAIN);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('optional peer dependencies', () => {
  it('a postgres:// DATABASE_URL without pg installed: a ConfigError naming DATABASE_URL and pg', async () => {
    const output = await startWithout('pg', { TESSERA_DATABASE_URL: 'postgres://127.0.0.1:5432/test' });
    expect(output).toBe('ConfigError: DATABASE_URL: a postgres:// URL needs the pg package, which is not installed: npm install pg');
  });

  it('REDIS_URL without redis installed: a ConfigError naming REDIS_URL and redis', async () => {
    const output = await startWithout('redis', { TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(output).toBe(
      'ConfigError: REDIS_URL: sharing throttles and caches over Redis needs the redis package, which is not installed: npm install redis',
    );
  });

  it('an SQLite deployment never needs either', async () => {
    expect(await startWithout('pg', { TESSERA_DATABASE_URL: 'sqlite::memory:' })).toBe('started');
    expect(await startWithout('redis', { TESSERA_DATABASE_URL: 'sqlite::memory:' })).toBe('started');
  });
});
