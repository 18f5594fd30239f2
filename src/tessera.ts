/**
 * The composition root: settings, key, codec, store and routes wired together. Adapters and the
 * bundled server start here.
 */
import { loadSettings, type LoadSettingsOptions } from './config/load-settings.js';
import type { Settings } from './config/settings.js';
import type { TesseraContext, TesseraHooks } from './context.js';
import { demoRoutes } from './http/handlers/demo-views.js';
import { registrationRoutes } from './http/handlers/register-view.js';
import { tokenRoutes } from './http/handlers/token-views.js';
import type { Route } from './http/route.js';
import { createRouter, type ErrorReporter, type RequestDispatcher } from './http/router.js';
import { openStore } from './stores/open-store.js';
import type { Store } from './stores/store.js';
import { MemoryRateLimiter, type RateLimiter } from './throttling/rate-limiter.js';
import { HmacKey } from './tokens/signing-key.js';
import { TokenCodec } from './tokens/token-codec.js';

export interface TesseraOptions extends Omit<LoadSettingsOptions, 'overrides'> {
  /** Settings in code; they win over `tessera.config.json` and `TESSERA_*` variables. */
  settings?: Partial<Settings>;
  /** Your own store (e.g. over your existing users table). @default the store DATABASE_URL names */
  store?: Store;
  hooks?: TesseraHooks;
  /** Throttle counters. @default in memory, per process */
  limiter?: RateLimiter;
  /** The clock, in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/** Which route groups to serve, and where. */
export interface RouteOptions {
  /** @default '/api/token/' */
  tokenPrefix?: string;
  /** Mount `register/` under this prefix, or `false` for none. @default '/accounts/' */
  accountsPrefix?: string | false;
  /** The tutorials' `/protected/` and `/hello/`. @default false */
  demoViews?: boolean;
}

export interface Tessera {
  readonly context: TesseraContext;
  readonly settings: Settings;
  /** Start-up warnings (development secret, short keys, ...). */
  readonly warnings: readonly string[];
  /** The routes these options select. */
  routes(options?: RouteOptions): Route[];
  /** A dispatcher over `routes(options)`. */
  dispatcher(options: RouteOptions, reportError: ErrorReporter): RequestDispatcher;
  close(): Promise<void>;
}

/**
 * Loads settings, opens (and migrates) the store, and wires everything.
 *
 * @example
 * ```ts
 * const tessera = await createTessera({ settings: { ROTATE_REFRESH_TOKENS: true } });
 * ```
 */
export async function createTessera(options: TesseraOptions = {}): Promise<Tessera> {
  const { settings, warnings } = loadSettings({ ...options, overrides: options.settings });
  const store = options.store ?? (await openStore(settings.DATABASE_URL));
  await store.migrate();
  const codec = new TokenCodec({ settings, key: HmacKey.fromSecret(settings.SIGNING_KEY, settings.ALGORITHM), now: options.now });
  const limiter = options.limiter ?? new MemoryRateLimiter();
  const context: TesseraContext = { settings, codec, store, hooks: options.hooks ?? {}, limiter };

  const routes = (routeOptions: RouteOptions = {}): Route[] => {
    const accountsPrefix = routeOptions.accountsPrefix ?? '/accounts/';
    return [
      ...tokenRoutes({
        prefix: routeOptions.tokenPrefix ?? '/api/token/',
        usernameField: settings.USERNAME_FIELD,
        sliding: settings.AUTH_TOKEN_CLASSES.includes('SlidingToken'),
      }),
      ...(accountsPrefix === false ? [] : registrationRoutes(accountsPrefix)),
      ...(routeOptions.demoViews ? demoRoutes() : []),
    ];
  };
  return {
    context,
    settings,
    warnings,
    routes,
    dispatcher: (routeOptions, reportError) => createRouter(context, routes(routeOptions), reportError),
    close: async () => {
      await limiter.close();
      await store.close();
    },
  };
}
