/**
 * What `createTesseraClient` takes, with the defaults it fills in. This module (like all of
 * `tessera/client`) uses only what browsers and Node 20 both provide: `fetch`, `URL`,
 * `BroadcastChannel`, timers. It imports nothing from the server side of Tessera.
 */

/** Where the tokens travel: `Authorization: Bearer` headers, or HttpOnly cookies set by the server. */
export type AuthMode = 'bearer' | 'cookie';

/**
 * Somewhere to keep the session between page loads: `localStorage`, `sessionStorage`, or your
 * own. In bearer mode it holds the token pair; in cookie mode only expiry times and the CSRF
 * token (the tokens themselves are HttpOnly cookies no script can read).
 */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The server's URLs, relative to `baseUrl`; the defaults are the bundled server's. */
export interface ClientRoutes {
  /** Obtain a pair (login). @default '/api/token/' */
  readonly obtain: string;
  /** @default '/api/token/refresh/' */
  readonly refresh: string;
  /** Logout: blacklists the refresh token (and clears the cookies in cookie mode). @default '/api/token/blacklist/' */
  readonly blacklist: string;
  /** @default '/api/token/logout-all/' */
  readonly logoutAll: string;
  /** @default '/accounts/register/' */
  readonly register: string;
  /** Cookie mode: a GET that sets and returns the CSRF token when the page has none. @default '/api/token/csrf/' */
  readonly csrf: string;
}

export interface TesseraClientOptions {
  /** The API's origin (and path prefix, if any), e.g. `https://api.example.com`. `''` means the page's own origin (browsers only). */
  readonly baseUrl: string;
  /** @default 'bearer' */
  readonly mode?: AuthMode;
  /**
   * Where the session survives a reload, shared by the tabs that share it. Default: memory
   * only (each tab signs in on its own; other open tabs still get the session through the
   * tab channel). `localStorage` lets tabs skip refreshes another tab already made.
   */
  readonly storage?: TokenStorage;
  /** The key under which the session is stored. @default 'tessera.session' */
  readonly storageKey?: string;
  readonly routes?: Partial<ClientRoutes>;
  /** The body field that carries the login name (the server's USERNAME_FIELD). @default 'username' */
  readonly usernameField?: string;
  /** The Authorization scheme (the server's first AUTH_HEADER_TYPES). @default 'Bearer' */
  readonly authHeaderType?: string;
  /**
   * When to refresh, as the fraction of the access token's lifetime already spent: 0.75 means
   * a 5-minute token is refreshed after about 3¾ minutes. @default 0.75
   */
  readonly refreshAt?: number;
  /**
   * A random part, as a fraction of the lifetime, taken off each tab's refresh time so tabs do
   * not all fire at once. @default 0.1
   */
  readonly refreshJitter?: number;
  /** Refresh ahead of expiry on a timer. Off, the client refreshes only when a call needs it. @default true */
  readonly autoRefresh?: boolean;
  /** Back-off after a network error or a 5xx/429 on refresh: first delay and cap, in ms. @default { initialMs: 1000, maxMs: 30000 } */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * How long a tab whose refresh was refused waits for another tab's newer session before it
   * signs out (the other tab may have won a concurrent rotation). @default 300
   */
  readonly raceSettleMs?: number;
  /** The BroadcastChannel shared by the tabs, or `false` for none. @default `tessera:${baseUrl}` */
  readonly channel?: string | false;
  /** Cookie mode: Django's CSRF cookie and header names (the server's CSRF_COOKIE_NAME / CSRF_HEADER_NAME). */
  readonly csrf?: { readonly cookieName?: string; readonly headerName?: string };
  /** The fetch to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch; replace it to test expiry without waiting. @default Date.now */
  readonly clock?: () => number;
}

export interface ResolvedOptions {
  readonly baseUrl: string;
  readonly mode: AuthMode;
  readonly storage: TokenStorage;
  readonly storageKey: string;
  readonly routes: ClientRoutes;
  readonly usernameField: string;
  readonly authHeaderType: string;
  readonly refreshAt: number;
  readonly refreshJitter: number;
  readonly autoRefresh: boolean;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly raceSettleMs: number;
  readonly channel: string | false;
  readonly csrfCookieName: string;
  readonly csrfHeaderName: string;
  readonly fetch: typeof fetch;
  readonly clock: () => number;
}

export const DEFAULT_ROUTES: ClientRoutes = {
  obtain: '/api/token/',
  refresh: '/api/token/refresh/',
  blacklist: '/api/token/blacklist/',
  logoutAll: '/api/token/logout-all/',
  register: '/accounts/register/',
  csrf: '/api/token/csrf/',
};

/** A per-tab store in memory: the default, so tokens never outlive the page unless asked to. */
export function memoryStorage(): TokenStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function fraction(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!(resolved >= 0 && resolved <= 1)) throw new RangeError(`tessera client: ${name} must be between 0 and 1, got ${String(value)}`);
  return resolved;
}

/** The mode, checked at run time too: plain JavaScript callers pass anything. */
function authMode(value: unknown): AuthMode {
  const mode = value ?? 'bearer';
  if (mode === 'bearer' || mode === 'cookie') return mode;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever the caller passed prints as it is
  throw new RangeError(`tessera client: mode must be 'bearer' or 'cookie', got ${String(mode)}`);
}

/** Checks the options once, so a mistake shows at start-up, not at the first refresh. */
export function resolveOptions(options: TesseraClientOptions): ResolvedOptions {
  const mode = authMode(options.mode);
  if (typeof options.baseUrl !== 'string') throw new TypeError('tessera client: baseUrl is required');
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (typeof fetchFunction !== 'function') throw new TypeError('tessera client: no fetch available; pass options.fetch');
  const refreshAt = fraction('refreshAt', options.refreshAt, 0.75);
  const refreshJitter = fraction('refreshJitter', options.refreshJitter, 0.1);
  if (refreshJitter > refreshAt) throw new RangeError('tessera client: refreshJitter may not exceed refreshAt');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    baseUrl,
    mode,
    storage: options.storage ?? memoryStorage(),
    storageKey: options.storageKey ?? 'tessera.session',
    routes: { ...DEFAULT_ROUTES, ...options.routes },
    usernameField: options.usernameField ?? 'username',
    authHeaderType: options.authHeaderType ?? 'Bearer',
    refreshAt,
    refreshJitter,
    autoRefresh: options.autoRefresh ?? true,
    retryInitialMs: options.retry?.initialMs ?? 1000,
    retryMaxMs: options.retry?.maxMs ?? 30_000,
    raceSettleMs: options.raceSettleMs ?? 300,
    channel: options.channel ?? `tessera:${baseUrl}`,
    csrfCookieName: options.csrf?.cookieName ?? 'csrftoken',
    csrfHeaderName: options.csrf?.headerName ?? 'X-CSRFToken',
    // Bound, so a browser's fetch is not called with the client as `this` (an "Illegal invocation").
    fetch: fetchFunction.bind(globalThis),
    clock: options.clock ?? Date.now,
  };
}
