/**
 * The package as users get it: `npm pack`, then the tarball installed into an empty project
 * together with each web framework (peer dependencies, not Tessera's own), then per framework a
 * tiny app that protects a route and makes an authenticated request, and a TypeScript consumer
 * that must type-check against the published declarations.
 *
 * Packs what `npm run build` last built (`npm test` builds first); fails when dist/ is missing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from './support/cli-server.js';
import { cleanEnv, npmInstall, npmOutput, packTarball, ROOT, run, tsc } from './support/npm-pack.js';

/** Logs in to `baseUrl` as the user the scripts create and calls `/protected/`; exits non-zero on any surprise. */
const CHECK = `
export async function check(baseUrl, prefix = '/api/token/') {
  const login = await fetch(baseUrl + prefix, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'packed', password: 'correct-horse-81' }),
  });
  if (login.status !== 200) throw new Error('login: ' + login.status + ' ' + (await login.text()));
  const { access } = await login.json();
  const anonymous = await fetch(baseUrl + '/protected/');
  if (anonymous.status !== 401 || anonymous.headers.get('www-authenticate') !== 'Bearer realm="api"') throw new Error('anonymous: ' + anonymous.status);
  const reply = await fetch(baseUrl + '/protected/', { headers: { authorization: 'Bearer ' + access } });
  const text = await reply.text();
  if (reply.status !== 200 || text !== '{"content":"Hello, packed"}') throw new Error('protected: ' + reply.status + ' ' + text);
  return text;
}

export async function tesseraWithUser(createTessera, hashPassword) {
  const tessera = await createTessera({
    env: { TESSERA_SECRET_KEY: ${JSON.stringify(TEST_SECRET)}, TESSERA_DATABASE_URL: 'sqlite::memory:' },
    configFile: false,
  });
  await tessera.store.createUser({ username: 'packed', password: await hashPassword('correct-horse-81') });
  return tessera;
}
`;

const APPS = {
  fastify: `
import Fastify from 'fastify';
import { createTessera, hashPassword } from 'tessera';
import { tesseraPlugin } from 'tessera/fastify';
import { check, tesseraWithUser } from './check.mjs';

const tessera = await tesseraWithUser(createTessera, hashPassword);
const app = Fastify();
await app.register(tesseraPlugin, { tessera });
app.get('/protected/', { preHandler: app.authenticate }, async (request) => ({ content: 'Hello, ' + request.user.username }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(await check(address));
await app.close();
await tessera.close();
`,
  express: `
import express from 'express';
import { createTessera, hashPassword } from 'tessera';
import { authenticate, tesseraRouter } from 'tessera/express';
import { check, tesseraWithUser } from './check.mjs';

const tessera = await tesseraWithUser(createTessera, hashPassword);
const app = express();
app.use(tesseraRouter(tessera));
app.get('/protected/', authenticate(tessera), (req, res) => res.json({ content: 'Hello, ' + res.locals.user.username }));
const server = await new Promise((done) => { const s = app.listen(0, '127.0.0.1', () => done(s)); });
console.log(await check('http://127.0.0.1:' + server.address().port));
await new Promise((done) => server.close(done));
await tessera.close();
`,
  hono: `
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTessera, hashPassword } from 'tessera';
import { authenticate, tesseraRoutes } from 'tessera/hono';
import { check, tesseraWithUser } from './check.mjs';

const tessera = await tesseraWithUser(createTessera, hashPassword);
const app = new Hono();
app.route('/', tesseraRoutes(tessera));
app.get('/protected/', authenticate(tessera), (c) => c.json({ content: 'Hello, ' + c.get('user').username }));
const server = await new Promise((done) => { const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => done(s)); });
console.log(await check('http://127.0.0.1:' + server.address().port));
await new Promise((done) => server.close(done));
await tessera.close();
`,
  client: `
import express from 'express';
import { createTessera, hashPassword } from 'tessera';
import { createTesseraClient } from 'tessera/client';
import { authenticate, tesseraRouter } from 'tessera/express';
import { tesseraWithUser } from './check.mjs';

const tessera = await tesseraWithUser(createTessera, hashPassword);
const app = express();
app.use(tesseraRouter(tessera));
app.get('/protected/', authenticate(tessera), (req, res) => res.json({ content: 'Hello, ' + res.locals.user.username }));
const server = await new Promise((done) => { const s = app.listen(0, '127.0.0.1', () => done(s)); });
const auth = createTesseraClient({ baseUrl: 'http://127.0.0.1:' + server.address().port });
await auth.login({ username: 'packed', password: 'correct-horse-81' });
console.log(await (await auth.fetch('/protected/')).text());
await auth.logout();
auth.close();
await new Promise((done) => server.close(done));
await tessera.close();
`,
} as const;

/** Uses each entry point's types the way an app would; an error here is a broken published type. */
const CONSUMER_TS = `
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createTessera, type RequestUser } from 'tessera';
import { createTesseraClient, TesseraClientError, type AuthChange } from 'tessera/client';
import { authenticate, tesseraRouter } from 'tessera/express';
import { tesseraPlugin } from 'tessera/fastify';
import { authenticate as honoAuthenticate, tesseraRoutes, type TesseraVariables } from 'tessera/hono';

declare module 'tessera' {
  interface CustomClaims {
    roles: string[];
  }
}

const tessera = await createTessera({ hooks: { customClaims: (user) => ({ roles: user.isStaff ? ['staff'] : [] }) } });

const app = express();
app.use(tesseraRouter(tessera, { prefix: '/auth/', accountsPrefix: false }));
app.get('/p', authenticate(tessera), (req, res) => {
  const user: RequestUser = res.locals.user;
  // @ts-expect-error the password hash is not on the user handlers get
  void user.password;
  res.json({ name: user.username, passport: req.user?.username });
});

const fastify = Fastify();
await fastify.register(tesseraPlugin, { tessera, prefix: '/auth/' });
fastify.get('/p', { preHandler: fastify.authenticate }, async (request) => {
  const user: RequestUser = request.user;
  // Typed by the declaration above: no cast.
  const roles: string[] | undefined = request.tokenClaims.roles;
  // @ts-expect-error roles are strings
  const wrong: number[] | undefined = request.tokenClaims.roles;
  return { name: user.username, roles, wrong };
});

const hono = new Hono<{ Variables: TesseraVariables }>();
hono.route('/', tesseraRoutes(tessera));
hono.get('/p', honoAuthenticate(tessera), (c) => {
  const user: RequestUser = c.get('user');
  return c.json({ name: user.username });
});

const auth = createTesseraClient({ baseUrl: 'https://api.example.com', mode: 'cookie' });
auth.onAuthChange((change: AuthChange) => void change.signedIn);
await auth.login({ username: 'alice', password: 'x' }).catch((error: unknown) => error instanceof TesseraClientError && error.status);
// @ts-expect-error the mode is 'bearer' or 'cookie'
createTesseraClient({ baseUrl: '', mode: 'session' });
`;

/**
 * A CommonJS project (`npm init -y` writes `"type": "commonjs"`): TypeScript compiles the imports
 * to `require()`, which loads the ES modules on Node >= 20.19 (docs/decisions.md, D18).
 */
const COMMONJS_TS = `
import express from 'express';
import { createTessera, hashPassword } from 'tessera';
import { authenticate, tesseraRouter } from 'tessera/express';
import { createVerifier } from 'tessera/verifier';
import type { AddressInfo } from 'node:net';

async function main(): Promise<void> {
  const tessera = await createTessera({
    env: { TESSERA_SECRET_KEY: ${JSON.stringify(TEST_SECRET)}, TESSERA_DATABASE_URL: 'sqlite::memory:' },
    configFile: false,
    reportWarnings: false,
  });
  await tessera.store.createUser({ username: 'packed', password: await hashPassword('correct-horse-81') });
  const app = express();
  app.use(tesseraRouter(tessera));
  app.get('/protected/', authenticate(tessera), (req, res) => { res.json({ content: 'Hello, ' + res.locals.user.username }); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  const base = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  const login = await fetch(base + '/api/token/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'packed', password: 'correct-horse-81' }) });
  const { access } = (await login.json()) as { access: string };
  console.log(typeof require === 'function' && typeof createVerifier === 'function', await (await fetch(base + '/protected/', { headers: { authorization: 'Bearer ' + access } })).text());
  server.close();
  await tessera.close();
}
void main();
`;

/** A browser app: the client's declarations must need nothing from Node (and skipLibCheck is off). */
const BROWSER_TS = `
import { createTesseraClient, type TesseraClient } from 'tessera/client';

const auth: TesseraClient = createTesseraClient({ baseUrl: '', mode: 'cookie', storage: window.localStorage });
const answer: Promise<Response> = auth.fetch('/protected/', { method: 'POST', body: new FormData() });
void answer;
`;

describe('the package manifest', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    sideEffects?: boolean;
    dependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
    exports: Record<string, unknown>;
  };

  it('builds on pack, not on install (no prepare script: installs do not warn or compile)', () => {
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(manifest.scripts.prepack).toBe('npm run build');
  });

  it('declares no side effects, and makes pg and redis optional peers', () => {
    expect(manifest.sideEffects).toBe(false);
    for (const name of ['pg', 'redis', 'jose']) expect(manifest.dependencies[name]).toBeUndefined();
    expect(manifest.peerDependenciesMeta.pg?.optional).toBe(true);
    expect(manifest.peerDependenciesMeta.redis?.optional).toBe(true);
    expect(Object.keys(manifest.exports)).toEqual(
      expect.arrayContaining(['.', './verifier', './tokens', './fastify', './express', './hono', './client']),
    );
  });

  it('installs from the lockfile with no engine warning from a transitive dependency on the oldest supported Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ci-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) writeFileSync(join(dir, file), readFileSync(join(ROOT, file)));
      const output = await npmOutput(['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
      // npm names each package it warns about: "package: 'cookie@2.0.2'".
      const warned = [...output.matchAll(/EBADENGINE\s+package: '([^']+)@[^@']+'/g)].map((match) => match[1]);
      // Only a direct dependency may (it is a decision, docs/decisions.md): never one pulled in unseen.
      expect(warned.filter((name) => name !== undefined && !(name in manifest.dependencies))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the packed package', () => {
  let project: string;
  let packDir: string;

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'tessera-pack-'));
    const tarball = await packTarball(packDir);
    project = mkdtempSync(join(tmpdir(), 'tessera-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tessera-consumer', private: true, type: 'module' }));
    await npmInstall(project, [tarball, 'express@5', 'hono@4', '@hono/node-server', 'fastify@5', '@types/express@5', '@types/node@20']);
    writeFileSync(join(project, 'check.mjs'), CHECK);
    for (const [framework, source] of Object.entries(APPS)) writeFileSync(join(project, `${framework}.mjs`), source);
  }, 120_000);

  // A consumer project is a full node_modules: do not leave one behind per test run.
  afterAll(() => {
    for (const dir of [project, packDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(APPS))('protects a route in a %s app and answers an authenticated request', async (framework) => {
    const { stdout } = await run(process.execPath, [join(project, `${framework}.mjs`)], { cwd: project, env: cleanEnv(), timeout: 30_000 });
    expect(stdout.trim()).toBe('{"content":"Hello, packed"}');
  });

  it('type-checks a TypeScript app against the published declarations', async () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    expect(await tsc(['-p', project], project)).toBe('');
  });

  it('works in a "type": "commonjs" project: strict nodenext type-check, then require() at run time', async () => {
    const cjs = join(project, 'cjs');
    mkdirSync(cjs, { recursive: true });
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'tessera-cjs-consumer', private: true, type: 'commonjs' }));
    writeFileSync(join(cjs, 'app.ts'), COMMONJS_TS);
    writeFileSync(
      join(cjs, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          outDir: 'out',
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    expect(await tsc(['-p', cjs], cjs)).toBe('');
    expect(readFileSync(join(cjs, 'out/app.js'), 'utf8')).toContain('require("tessera")');
    const { stdout } = await run(process.execPath, [join(cjs, 'out/app.js')], { cwd: cjs, env: cleanEnv(), timeout: 30_000 });
    expect(stdout.trim()).toBe('true {"content":"Hello, packed"}');
  });

  it('type-checks a browser app (DOM types, no Node types) using tessera/client', async () => {
    writeFileSync(join(project, 'browser.ts'), BROWSER_TS);
    writeFileSync(
      join(project, 'tsconfig.browser.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['browser.ts'],
      }),
    );
    expect(await tsc(['-p', join(project, 'tsconfig.browser.json')], project)).toBe('');
  });
});
