/**
 * The tutorials' API as a small app on each adapter, started in-process: a migrated SQLite
 * store with the superuser, Tessera's routes through the adapter, `/protected/` and `/hello/`
 * written with the adapter's own `authenticate`, and Django's 404 page for anything else (the
 * tutorials' server is a Django project). `test/http/adapters.test.ts` runs the HTTP suite on them.
 */
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  checkPermissions as expressCheck,
  authenticate as expressAuthenticate,
  authenticateStateless as expressStateless,
  tesseraCors as expressCors,
  tesseraRouter,
} from '../../src/adapters/express/index.js';
import { tesseraPlugin } from '../../src/adapters/fastify/index.js';
import {
  hasPermissions,
  inGroup,
  isAdminUser,
  isAuthenticated,
  isAuthenticatedOrReadOnly,
  type PermissionClass,
} from '../../src/adapters/permission-classes.js';
import type { MountOptions } from '../../src/adapters/shared.js';
import {
  checkPermissions as honoCheck,
  authenticate as honoAuthenticate,
  authenticateStateless as honoStateless,
  tesseraCors as honoCors,
  tesseraRoutes,
} from '../../src/adapters/hono/index.js';
import type { HttpResponse } from '../../src/http/http-types.js';
import { UniqueViolationError } from '../../src/model/store.js';
import { notFoundResponse } from '../../src/http/responses.js';
import { hashPassword } from '../../src/passwords/hasher.js';
import { createTessera, type Tessera, type TesseraOptions } from '../../src/app/tessera.js';
import { SUPERUSER, TEST_SECRET, type RunningServer } from './cli-server.js';

export const ADAPTERS = ['fastify', 'express', 'hono'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** Where the app mounts Tessera, and what else it carries; the defaults are the tutorials'. */
export interface AppOptions {
  /** Mount Tessera's routes under this path (Fastify: a prefixed plugin; Express: `app.use(path)`; Hono: `app.route(path)`). */
  mountPath?: string;
  /** Express only: `express.json()` and `express.urlencoded()` before Tessera's router. */
  bodyParsersFirst?: boolean;
  /** The adapter's own options: token prefix, accounts prefix. */
  mount?: MountOptions;
  /** Passed to `createTessera` (hooks, a store, ...). */
  tessera?: Omit<TesseraOptions, 'env' | 'configFile'>;
  /**
   * Every line the app logs: Fastify's pino logger (request logs included) and what the app's
   * `/me/` handler logs in Express and Hono (the user, inspected and as JSON).
   */
  logLines?: string[];
}

export interface RunningAdapterApp extends RunningServer {
  readonly tessera: Tessera;
}

const PROTECTED = { content: 'This view is protected' };

/**
 * Routes guarded by DRF's permission classes, the same on every adapter: each answers
 * `{"ok":true}` when let through (and `/mine/` the user's groups and one permission check).
 */
export const GUARDED: readonly { method: 'GET' | 'POST'; path: string; classes: readonly PermissionClass[] }[] = [
  { method: 'GET', path: '/staff/', classes: [isAdminUser] },
  { method: 'GET', path: '/posts/', classes: [isAuthenticatedOrReadOnly] },
  { method: 'POST', path: '/posts/', classes: [isAuthenticatedOrReadOnly] },
  { method: 'POST', path: '/publish/', classes: [isAuthenticated, hasPermissions('blog.publish_post')] },
  { method: 'GET', path: '/desk/', classes: [inGroup('editors', 'chiefs')] },
];
const OK = { ok: true };
const HELLO = { message: 'Hello, World!' };

/** A handler's log: what an app typically does with the user (inspect it, or print it as JSON). */
function logUser(options: AppOptions, user: unknown): void {
  options.logLines?.push(inspect(user, { depth: 5, showHidden: true }), JSON.stringify({ msg: 'me', user }));
}

function fastifyApp(tessera: Tessera, options: AppOptions) {
  const lines = options.logLines;
  const app = Fastify({
    logger: lines === undefined ? false : { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
  });
  // Tessera's decorators reach the scope the plugin is registered in (Fastify's encapsulation),
  // so the app's routes live there too; with `mountPath`, all of them sit under it.
  app.register(
    async (scope) => {
      await scope.register(tesseraPlugin, { ...options.mount, tessera, cors: true });
      scope.get('/protected/', { preHandler: scope.authenticate }, async () => PROTECTED);
      scope.post('/protected/', { preHandler: scope.authenticate }, async () => PROTECTED);
      scope.get('/hello/', { preHandler: scope.authenticate }, async () => HELLO);
      scope.get('/whoami/', { preHandler: scope.authenticate }, async (request) => ({
        username: request.user.username,
        claims: request.tokenClaims,
      }));
      scope.get('/me/', { preHandler: scope.authenticate }, async (request) => {
        request.log.info({ user: request.user }, 'me');
        logUser(options, request.user);
        return request.user;
      });
      scope.get('/stateless/', { preHandler: scope.authenticateStateless }, async (request) => ({ id: request.tokenUser.id, user: null }));
      scope.get('/unguarded/', async (request) => ({ username: request.user.username }));
      scope.post('/echo/', async (request) => ({ echo: request.body }));
      for (const route of GUARDED)
        scope.route({
          method: route.method,
          url: route.path,
          preHandler: scope.checkPermissions(...route.classes),
          handler: async () => OK,
        });
      // app.authenticate first, then the check: the user it found is reused.
      scope.get('/mine/', { preHandler: [scope.authenticate, scope.checkPermissions(isAuthenticated)] }, async (request) => ({
        groups: request.user.groups,
        publish: request.user.hasPermission('blog.publish_post'),
      }));
    },
    { prefix: options.mountPath ?? '' },
  );
  app.setNotFoundHandler((_request, reply) => {
    const page = notFoundResponse();
    return reply.code(page.status).headers(page.headers).send(Buffer.from(page.body));
  });
  return {
    listen: async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return (app.server.address() as AddressInfo).port;
    },
    close: () => app.close(),
  };
}

function sendPlain(res: express.Response, response: HttpResponse): void {
  // setHeader, not res.set: Express would add a charset to the Content-Type.
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

function expressApp(tessera: Tessera, options: AppOptions) {
  const app = express();
  app.use(expressCors(tessera));
  if (options.bodyParsersFirst) app.use(express.json(), express.urlencoded());
  const router = tesseraRouter(tessera, options.mount);
  if (options.mountPath) app.use(options.mountPath, router);
  else app.use(router);
  app.get('/protected/', expressAuthenticate(tessera), (_req, res) => void res.json(PROTECTED));
  app.post('/protected/', expressAuthenticate(tessera), (_req, res) => void res.json(PROTECTED));
  app.get('/hello/', expressAuthenticate(tessera), (_req, res) => void res.json(HELLO));
  app.get(
    '/whoami/',
    expressAuthenticate(tessera),
    (req, res) => void res.json({ username: res.locals.user.username, claims: res.locals.tokenClaims }),
  );
  app.get('/me/', expressAuthenticate(tessera), (req, res) => {
    logUser(options, req.user);
    logUser(options, res.locals.user);
    res.json(res.locals.user);
  });
  app.get('/stateless/', expressStateless(tessera), (req, res) => void res.json({ id: res.locals.tokenUser.id, user: req.user ?? null }));
  app.post('/echo/', express.json(), (req, res) => void res.json({ echo: req.body as unknown }));
  for (const route of GUARDED)
    app[route.method === 'GET' ? 'get' : 'post'](route.path, expressCheck(tessera, ...route.classes), (_req, res) => void res.json(OK));
  app.get('/mine/', expressAuthenticate(tessera), expressCheck(tessera, isAuthenticated), (_req, res) => {
    res.json({ groups: res.locals.user.groups, publish: res.locals.user.hasPermission('blog.publish_post') });
  });
  app.use((_req: express.Request, res: express.Response) => sendPlain(res, notFoundResponse()));
  let server: Server | undefined;
  return {
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve((server?.address() as AddressInfo).port)));
      }),
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

function honoApp(tessera: Tessera, options: AppOptions) {
  const app = new Hono();
  app.use('*', honoCors(tessera));
  app.route(options.mountPath ?? '/', tesseraRoutes(tessera, options.mount));
  app.get('/protected/', honoAuthenticate(tessera), (c) => c.json(PROTECTED));
  app.post('/protected/', honoAuthenticate(tessera), (c) => c.json(PROTECTED));
  app.get('/hello/', honoAuthenticate(tessera), (c) => c.json(HELLO));
  app.get('/whoami/', honoAuthenticate(tessera), (c) => c.json({ username: c.get('user').username, claims: c.get('tokenClaims') }));
  app.get('/me/', honoAuthenticate(tessera), (c) => {
    logUser(options, c.get('user'));
    return c.json(c.get('user'));
  });
  app.get('/stateless/', honoStateless(tessera), (c) => c.json({ id: c.get('tokenUser').id, user: null }));
  app.post('/echo/', async (c) => c.json({ echo: (await c.req.json()) as unknown }));
  for (const route of GUARDED) app.on(route.method, route.path, honoCheck(tessera, ...route.classes), (c) => c.json(OK));
  app.get('/mine/', honoCheck(tessera, isAuthenticated), (c) => {
    const user = c.get('user');
    return c.json({ groups: user?.groups, publish: user?.hasPermission('blog.publish_post') });
  });
  app.notFound(() => {
    const page = notFoundResponse();
    return new Response(page.body, { status: page.status, headers: page.headers });
  });
  let server: ReturnType<typeof serve> | undefined;
  return {
    listen: () =>
      new Promise<number>((resolve) => {
        server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port));
      }),
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

const BUILDERS = { fastify: fastifyApp, express: expressApp, hono: honoApp } as const;

/**
 * A fresh SQLite file, migrated, with the superuser; the app on a free loopback port. A
 * TESSERA_DATABASE_URL in `settingsEnv` replaces the file (several apps may share one database:
 * the superuser is made once).
 */
export async function startAdapterApp(
  adapter: AdapterName,
  settingsEnv: Record<string, string> = {},
  options: AppOptions = {},
): Promise<RunningAdapterApp> {
  const dir = mkdtempSync(join(tmpdir(), `tessera-${adapter}-`));
  const databaseUrl = `sqlite:${join(dir, 'db.sqlite3')}`;
  const env = { TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: databaseUrl, ...settingsEnv };
  const lines = options.logLines;
  const logger =
    lines === undefined
      ? undefined
      : {
          info: (...args: unknown[]) => void lines.push(inspect(args)),
          warn: (...args: unknown[]) => void lines.push(inspect(args)),
          error: (...args: unknown[]) => void lines.push(inspect(args)),
        };
  const tessera = await createTessera({ ...(logger === undefined ? {} : { logger }), ...options.tessera, env, configFile: false });
  await tessera.store
    .createUser({
      username: SUPERUSER.username,
      email: SUPERUSER.email,
      password: await hashPassword(SUPERUSER.password),
      isStaff: true,
      isSuperuser: true,
    })
    .catch((error: unknown) => {
      if (!(error instanceof UniqueViolationError)) throw error;
    });
  const app = BUILDERS[adapter](tessera, options);
  const port = await app.listen();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    databaseUrl: env.TESSERA_DATABASE_URL,
    env,
    tessera,
    stop: async () => {
      await app.close();
      await tessera.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
