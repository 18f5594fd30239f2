/**
 * Nothing vanishes: an app written as the docs show (plain `Fastify()`, no logger anywhere, no
 * `reportError`) still gets an unexpected error on stderr, naming the hook that threw; and
 * `createTessera()`'s start-up warnings reach stderr without the app printing them. Each app
 * runs as its own process, from the built package, so stderr is the real one.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapter-apps.js';

const run = promisify(execFile);
const DIST = resolve(import.meta.dirname, '../../dist');
const dist = (path: string) => JSON.stringify(pathToFileURL(join(DIST, path)).href);

/** The app under each framework, protected route and all; `serve` starts it on a free port. */
const APPS: Record<(typeof ADAPTERS)[number], string> = {
  fastify: `
import Fastify from 'fastify';
import { tesseraPlugin } from ${dist('adapters/fastify/index.js')};
export async function serve(tessera) {
  const app = Fastify();
  await app.register(tesseraPlugin, { tessera });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: () => app.close() };
}`,
  express: `
import express from 'express';
import { tesseraRouter } from ${dist('adapters/express/index.js')};
export async function serve(tessera) {
  const app = express();
  app.use(tesseraRouter(tessera));
  const server = await new Promise((done) => { const s = app.listen(0, '127.0.0.1', () => done(s)); });
  return { url: 'http://127.0.0.1:' + server.address().port, close: () => new Promise((done) => server.close(done)) };
}`,
  hono: `
import { serve as honoServe } from '@hono/node-server';
import { Hono } from 'hono';
import { tesseraRoutes } from ${dist('adapters/hono/index.js')};
export async function serve(tessera) {
  const app = new Hono();
  app.route('/', tesseraRoutes(tessera));
  const server = await new Promise((done) => { const s = honoServe({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => done(s)); });
  return { url: 'http://127.0.0.1:' + server.address().port, close: () => new Promise((done) => server.close(done)) };
}`,
};

/** Logs in with a customClaims hook that throws; prints the answer's status on stdout. */
const MAIN = `
import { createTessera, hashPassword } from ${dist('index.js')};
const { serve } = await import(process.argv[2]);
const tessera = await createTessera({
  env: { TESSERA_DATABASE_URL: 'sqlite::memory:' },
  configFile: false,
  hooks: { customClaims: (user) => user.profile.roles },
});
await tessera.store.createUser({ username: 'ana', password: await hashPassword('correct-horse-81') });
const app = await serve(tessera);
const login = await fetch(app.url + '/api/token/', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'ana', password: 'correct-horse-81' }),
});
console.log(login.status, await login.text());
await app.close();
await tessera.close();
`;

describe.each(ADAPTERS)('%s, as the docs write it', (adapter) => {
  let dir: string;
  let result: { stdout: string; stderr: string };

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'adapters', adapter, 'index.js')))
      throw new Error('dist/ is not built: run `npm run build` first (`npm test` does)');
    dir = mkdtempSync(join(tmpdir(), `tessera-errors-${adapter}-`));
    writeFileSync(join(dir, 'app.mjs'), APPS[adapter]);
    writeFileSync(join(dir, 'main.mjs'), MAIN);
    // The frameworks, as the app would have them installed.
    symlinkSync(resolve(import.meta.dirname, '../../node_modules'), join(dir, 'node_modules'), 'dir');
    // The app's folder is the working directory: where a development secret gets written.
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'development' };
    result = await run(process.execPath, [join(dir, 'main.mjs'), pathToFileURL(join(dir, 'app.mjs')).href], {
      cwd: dir,
      env,
      timeout: 30_000,
    });
  }, 40_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a bare 500 and reports the error on stderr, naming the hook that threw', () => {
    expect(result.stdout.trim()).toBe('500 {"detail":"A server error occurred."}');
    const line = result.stderr.split('\n').find((entry) => entry.includes('unexpected error'));
    expect(line, result.stderr).toBeDefined();
    expect(line).toContain('POST /api/token/');
    expect(line).toContain('the customClaims hook threw');
    expect(line).toContain("Cannot read properties of undefined (reading 'roles')");
  });

  it("writes createTessera()'s warnings to stderr without the app asking", () => {
    expect(result.stderr).toContain('Generated a development secret in');
    expect(existsSync(join(dir, '.tessera-secret'))).toBe(true);
  });
});
