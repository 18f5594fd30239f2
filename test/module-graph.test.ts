/**
 * A package that loads what you use (issue 11 item 7): importing `tessera/verifier` or
 * `tessera/tokens` loads no database driver, no query builder, no mailer and no password hasher.
 * Each entry point is imported by a fresh Node process whose loader hook prints every ES module
 * it resolves, and which then prints every CommonJS module in the require cache (native addons
 * such as libsql and argon2 load through CommonJS).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRINT_RESOLVED_MODULES } from './support/module-hooks.js';

const run = promisify(execFile);
const DIST = resolve(import.meta.dirname, '../dist');

const LOADER = PRINT_RESOLVED_MODULES;

const MAIN = `
import { createRequire } from 'node:module';
await import(process.argv[2]);
for (const path of Object.keys(createRequire(import.meta.url).cache)) process.stdout.write('module ' + path + '\\n');
`;

/** What a verifying service must not pay for. */
const HEAVY =
  /node_modules\/(kysely|libsql|@libsql|pg|pg-[a-z]+|redis|@redis|@node-rs\/argon2[^/]*|bcrypt|nodemailer|fastify|pino|prom-client)\//;
// observability/'s setting parsers (log level and format, a listen address) are plain functions
// the settings schema uses; the logging, metrics and tracing modules are what must stay out.
const SERVER_LAYERS =
  /dist\/(stores|passwords|mail|server|cli|http|sessions\/(?!blacklist-check)|observability\/(?!log-options|listen-address))\//;

let dir: string;

/** The modules loaded by importing `entry` (a dist path) in a fresh process. */
async function modulesLoadedBy(entry: string): Promise<string[]> {
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(join(dir, 'loader.mjs')).href)})`;
  const { stdout } = await run(process.execPath, ['--import', register, join(dir, 'main.mjs'), pathToFileURL(join(DIST, entry)).href], {
    timeout: 30_000,
  });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('module '))
    .map((line) => line.slice('module '.length))
    .filter((url) => !url.startsWith('node:'));
}

beforeAll(() => {
  if (!existsSync(join(DIST, 'verifier.js'))) throw new Error('dist/ is not built: run `npm run build` first (`npm test` does)');
  dir = mkdtempSync(join(tmpdir(), 'tessera-graph-'));
  writeFileSync(join(dir, 'loader.mjs'), LOADER);
  writeFileSync(join(dir, 'main.mjs'), MAIN);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the module graph of each light entry point', () => {
  it.each(['verifier.js', 'tokens.js'])('%s loads no database driver, no hasher, no server', async (entry) => {
    const loaded = await modulesLoadedBy(entry);
    expect(loaded.some((url) => url.endsWith(`dist/${entry}`))).toBe(true);
    expect(loaded.filter((url) => HEAVY.test(url) || SERVER_LAYERS.test(url))).toEqual([]);
  });

  it('sees the heavy modules when they are loaded (the root entry point), so the check can fail', async () => {
    const loaded = await modulesLoadedBy('index.js');
    expect(loaded.some((url) => /node_modules\/kysely\//.test(url))).toBe(true);
    expect(loaded.some((url) => /node_modules\/@node-rs\/argon2/.test(url))).toBe(true);
    expect(loaded.some((url) => /node_modules\/libsql\//.test(url))).toBe(true);
  });
});
