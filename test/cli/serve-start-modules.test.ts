/**
 * What `tessera serve` loads before its first answer (issue 20: start-up under 1 s). Packages the
 * default configuration (SQLite, console mail, no Redis, no metrics) never uses stay unloaded:
 * redis, pg, nodemailer, prom-client, bcrypt, and the JSON-schema compilers Fastify would load
 * for schemas the server does not have (docs/decisions.md D21). The server runs as operators run
 * it, with a loader hook printing every ES module it resolves and, at exit, every CommonJS module
 * in the require cache (Fastify loads Ajv through `require`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, tessera, TEST_SECRET } from '../support/cli-server.js';
import { PRINT_RESOLVED_MODULES } from '../support/module-hooks.js';

const LOADER = PRINT_RESOLVED_MODULES;

const AT_EXIT = `
const { writeSync } = require('node:fs');
process.on('exit', () => {
  for (const path of Object.keys(require.cache)) writeSync(1, 'module ' + path + '\\n');
});`;

/**
 * Loaded only when configured or first used. (fast-json-stringify's runtime serializer is not
 * here: Fastify's precompiled error serializer requires it; its schema compiler is.)
 */
const UNUSED =
  /node_modules\/(redis|@redis|pg|pg-[a-z]+|nodemailer|prom-client|bcrypt|ajv|ajv-formats|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//;

let dir: string;
let env: Record<string, string>;

/** The modules `tessera serve` had loaded by its first 200 on /healthz (with `extraEnv`). */
async function modulesAtFirstAnswer(extraEnv: Record<string, string> = {}): Promise<string[]> {
  const port = await freePort();
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(join(dir, 'loader.mjs')).href)})`;
  const child = spawn(
    process.execPath,
    ['--import', register, '--require', join(dir, 'at-exit.cjs'), CLI, 'serve', '--host', '127.0.0.1', '--port', String(port)],
    { env: { ...process.env, ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((done) => child.once('exit', done));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tessera serve exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`tessera serve did not answer within 30 s:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((wake) => setTimeout(wake, 20));
  }
  child.kill('SIGTERM');
  await exited;
  return output
    .split('\n')
    .filter((line) => line.startsWith('module '))
    .map((line) => line.slice('module '.length));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-serve-modules-'));
  writeFileSync(join(dir, 'loader.mjs'), LOADER);
  writeFileSync(join(dir, 'at-exit.cjs'), AT_EXIT);
  env = { TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}`, NODE_ENV: 'production' };
  await tessera(['migrate'], env);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tessera serve, default configuration: what start-up loads', () => {
  it('loads Fastify, Kysely and libsql, and none of the packages it does not use', async () => {
    const loaded = await modulesAtFirstAnswer();
    expect(loaded.some((path) => /node_modules\/fastify\//.test(path))).toBe(true);
    expect(loaded.some((path) => /node_modules\/kysely\//.test(path))).toBe(true);
    expect(loaded.some((path) => /node_modules\/libsql\//.test(path))).toBe(true);
    expect(loaded.filter((path) => UNUSED.test(path))).toEqual([]);
  });

  it('sees a package loaded because the configuration asks for it (metrics on: prom-client), so the check can fail', async () => {
    const loaded = await modulesAtFirstAnswer({ TESSERA_METRICS_ENABLED: 'true', TESSERA_METRICS_ADDR: `127.0.0.1:${await freePort()}` });
    expect(loaded.some((path) => /node_modules\/prom-client\//.test(path))).toBe(true);
  });
});
