/**
 * The composition root: settings, key, codec, store and routes wired together. Adapters and the
 * bundled server start here.
 */
import { loadSettings, type LoadSettingsOptions } from '../config/load-settings.js';
import type { Settings } from '../config/settings.js';
import type { TesseraContext, TesseraHooks } from '../http/context.js';
import { demoRoutes } from '../http/handlers/demo-views.js';
import { registrationRoutes } from '../http/handlers/register-view.js';
import { tokenRoutes } from '../http/handlers/token-views.js';
import { cookieModeOf } from '../http/auth-cookies.js';
import type { Route } from '../http/route.js';
import { createRouter, type ErrorReporter, type RequestDispatcher, type RouterOptions } from '../http/router.js';
import { openStore } from '../stores/open-store.js';
import type { Store } from '../model/store.js';
import { withUserCache, type CachedStore } from '../stores/user-cache.js';
import { stderrLogger, type Logger } from '../model/logger.js';
import { MemoryRateLimiter } from '../throttling/memory-rate-limiter.js';
import type { RateLimiter } from '../throttling/rate-limiter.js';
import { configureHashingQueue } from '../passwords/hashing-slots.js';
import { ThrottledAttemptLog } from '../throttling/throttled-attempts.js';
import { openServerKeys, type ServerKeys } from '../keys/server-keys.js';
import { jwksRoutes } from '../http/handlers/jwks-view.js';
import { revocationFeedRoutes } from '../http/handlers/revocation-feed-view.js';
import { feedCutOff } from '../sessions/revocation-feed.js';
import { TokenCodec } from '../tokens/token-codec.js';
import { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import { namedHooks } from './named-hooks.js';
import { importNeeding } from '../stores/optional-package.js';
import type { AuthEvent, AuthEventSink } from '../model/auth-events.js';
import { createEventSink } from '../observability/event-sink.js';
import type { TesseraMetrics } from '../observability/metrics.js';
import { readinessProbe, type Readiness, type ReadinessCheck } from '../observability/readiness.js';
import { accountRoutes } from '../http/handlers/account-views.js';
import { hasAccountStore } from '../accounts/account-store.js';
import { ConfigError } from '../errors.js';
import type { MailTemplateOverrides } from '../mail/mail-templates.js';
import type { Mailer } from '../mail/mailer.js';
import { openMailer } from '../mail/open-mailer.js';
import { authenticateAndReport, authenticateHeader, type AuthenticatedRequest } from '../auth/authenticate-request.js';
import { authenticateStateless, type TokenUser } from '../auth/token-user.js';
import { attachContext } from './tessera-context.js';

export interface TesseraOptions extends Omit<LoadSettingsOptions, 'overrides'> {
  /** Settings in code; they win over `tessera.config.json` and `TESSERA_*` variables. */
  settings?: Partial<Settings>;
  /** Your own store (e.g. over your existing users table). @default the store DATABASE_URL names */
  store?: Store;
  hooks?: TesseraHooks;
  /**
   * Where operational messages go (never secrets or tokens): the start-up warnings, and
   * unexpected errors while answering requests when the adapter has no reporter of its own.
   *
   * @default JSON lines on stderr
   * @example
   * ```ts
   * const tessera = await createTessera({ logger: { info: () => {}, warn: (msg) => myLog.warn(msg), error: (msg, err) => myLog.error(err, msg) } });
   * ```
   */
  logger?: Logger;
  /**
   * Whether to write the start-up warnings to the logger. The bundled server's workers turn it
   * off (the primary has said them once). They stay in `tessera.warnings` either way.
   *
   * @default true
   */
  reportWarnings?: boolean;
  /** Throttle counters. @default Redis when REDIS_URL is set, else in memory per process */
  limiter?: RateLimiter;
  /** The clock, in milliseconds, for tests. @default Date.now */
  now?: () => number;
  /** Replacements for parts of the mail templates (subject, text, HTML), by mail kind. */
  mailTemplates?: MailTemplateOverrides;
}

/** Which route groups to serve, and where. */
export interface RouteOptions {
  /** @default '/api/token/' */
  tokenPrefix?: string;
  /** Mount `register/` and the account routes (password change and reset, email verification) under this prefix, or `false` for none. @default '/accounts/' */
  accountsPrefix?: string | false;
  /** The tutorials' `/protected/` and `/hello/`. @default false */
  demoViews?: boolean;
  /** Serve `/.well-known/jwks.json` (the public keys; `{"keys":[]}` for HS*). @default true */
  jwks?: boolean;
}

export interface Tessera {
  /**
   * The store (the one passed as `store`, or the one DATABASE_URL names), behind this process's
   * user cache: writes through it drop the cached user, so the next request sees them. For
   * seeding users, scripts and tests; requests go through the routes. A change of staff,
   * superuser, groups or permissions made here does not move the user's token cut-off
   * (REVOKE_ON_PRIVILEGE_CHANGE applies to the admin console's and the CLI's changes): tokens
   * already issued keep what they carry until they expire or the user's cut-off moves.
   *
   * @example
   * ```ts
   * await tessera.store.createUser({ username: 'kyoko', password: await hashPassword('correct-horse-81') });
   * const kyoko = await tessera.store.findUser('username', 'kyoko');
   * ```
   */
  readonly store: Store;
  /**
   * simplejwt's `JWTAuthentication` for a route of your own: the value of the AUTH_HEADER_NAME
   * header (`Authorization` by default) to the active user it names and the token's claims.
   * `undefined` when the header carries no credentials of ours (answer "Authentication
   * credentials were not provided."). Counted in the metrics (`request.authenticated`,
   * `request.refused`) as the adapters' `authenticate` is; unlike theirs, it reads the header
   * only, never cookie mode's access cookie (which needs the request for its CSRF check).
   *
   * @param header The header's value, or `undefined` when the request has none.
   * @throws {TesseraError} `bad_authorization_header`, `token_not_valid_for_any_type`,
   *   `token_no_user_id`, `user_not_found`, `user_inactive`: simplejwt's 401 bodies
   *   (`error.status`, `error.body`).
   * @example
   * ```ts
   * const auth = await tessera.authenticate(request.headers.authorization);
   * if (auth === undefined) throw TesseraError.of('not_authenticated');
   * console.log(auth.user.username, auth.claims.jti);
   * ```
   */
  authenticate(header: string | undefined): Promise<AuthenticatedRequest | undefined>;
  /**
   * simplejwt's `JWTStatelessUserAuthentication`: like {@link Tessera.authenticate}, but the
   * user is built from the token alone (a {@link TokenUser}), with no database lookup. A deleted
   * or deactivated user keeps access until the access token expires.
   *
   * @param header The header's value, or `undefined` when the request has none.
   * @throws {TesseraError} `bad_authorization_header`, `token_not_valid_for_any_type`, `token_no_user_id`.
   * @example
   * ```ts
   * const user = await tessera.authenticateStateless(request.headers.authorization);
   * if (user === undefined) throw TesseraError.of('not_authenticated');
   * console.log(user.id, user.claims);
   * ```
   */
  authenticateStateless(header: string | undefined): Promise<TokenUser | undefined>;
  /** The signing and verification keys, kept current from the key table (docs/keys.md). */
  readonly keys: ServerKeys;
  readonly settings: Settings;
  /** Start-up warnings (development secret, short keys, ...), already written to the logger. */
  readonly warnings: readonly string[];
  /** Tessera's mails; with EMAIL_BACKEND=memory, `mail.backend.outbox` holds what was sent. */
  readonly mail: Mailer;
  /** The routes these options select. */
  routes(options?: RouteOptions): Route[];
  /** A dispatcher over `routes(options)`; `rendering` adds the pages (the browsable API and the pages beside it). */
  dispatcher(options: RouteOptions, reportError: ErrorReporter, rendering?: RouterOptions): RequestDispatcher;
  /** Prometheus metrics (prom-client), when METRICS_ENABLED: serve `metrics.registry` where you like. */
  readonly metrics: TesseraMetrics | undefined;
  /** Where authentication events go (metrics, audit log, `onAuditEvent`). */
  readonly events: AuthEventSink;
  /** Where operational messages go. */
  readonly log: Logger;
  /**
   * Whether this instance can serve: the database answers, its migrations are applied, Redis
   * answers when configured. Cheap (results reused for half a second): what `/readyz` answers.
   */
  readiness(): Promise<Readiness>;
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
  const store = withUserCache(options.store ?? (await openStore(settings.DATABASE_URL)), { ttlSeconds: settings.USER_CACHE_TTL });
  await store.migrate();
  const recovery = hasAccountStore(store);
  if (!recovery) {
    if (settings.ACCOUNT_EMAIL_VERIFICATION !== 'none') {
      await store.close();
      throw new ConfigError('ACCOUNT_EMAIL_VERIFICATION', 'needs a store with email addresses (AccountStore); this store has none');
    }
    warnings.push(
      'This store has no account-recovery methods (AccountStore): password change, reset and email verification are not served.',
    );
  }
  for (const name of ['TOKEN_SESSION_CLAIM', 'REVOCATION_FEED_KEY'] as const) {
    if (settings[name] === null || store.revocations !== undefined) continue;
    await store.close();
    throw new ConfigError(name, 'needs a store that keeps revoked sessions and cut-offs (RevocationStore); this store keeps none');
  }
  const log = options.logger ?? stderrLogger;
  // prom-client is loaded only when metrics are on.
  const metrics = settings.METRICS_ENABLED ? (await import('../observability/metrics.js')).createMetrics() : undefined;
  const keys = await openServerKeys({
    settings,
    store,
    env: options.env,
    warnings,
    onError: (error) => log.warn(`keys: ${error.message}`),
    // `tessera keys` audits its own changes; the server that sees them counts them.
    onKeyChange: (change) => metrics?.observeEvent({ action: `key.${change}` }),
  });
  const codec = new TokenCodec({ settings, keys, now: options.now });
  configureHashingQueue({ total: settings.HASH_QUEUE_LIMIT, perClient: settings.HASH_QUEUE_PER_CLIENT });
  const shared = settings.REDIS_URL === null ? undefined : await connectRedis(settings.REDIS_URL, store, log, settings);
  const redis = shared?.redis;
  const limiter = options.limiter ?? shared?.limiter ?? new MemoryRateLimiter();
  const bus = shared?.bus;
  const hooks = namedHooks(options.hooks ?? {});
  const events = createEventSink({ metrics, recordAudit: auditWriterOf(store), log, onAuditEvent: hooks.onAuditEvent, now: options.now });
  const mail = openMailer({ settings, log, sendMail: hooks.sendMail, templates: options.mailTemplates });
  const throttledSignIns = throttledAttemptLog(store, codec, events, { action: 'admin.sign_in_throttled', noun: 'sign-in' });
  const throttledLogins = throttledAttemptLog(store, codec, events, { action: 'login.throttled_window', noun: 'login' });
  const context: TesseraContext = {
    settings,
    codec,
    store,
    hooks,
    limiter,
    mail,
    events,
    verifiedTokens: new VerifiedTokenCache(),
    ...(throttledSignIns ? { throttledSignIns } : {}),
    ...(throttledLogins ? { throttledLogins } : {}),
  };
  const readiness = readinessProbe(readinessChecks(store, redis));

  const routes = (routeOptions: RouteOptions = {}): Route[] => {
    const accountsPrefix = routeOptions.accountsPrefix ?? '/accounts/';
    return [
      ...tokenRoutes({
        prefix: routeOptions.tokenPrefix ?? '/api/token/',
        usernameField: settings.USERNAME_FIELD,
        maxPasswordLength: settings.MAX_PASSWORD_LENGTH,
        rotate: settings.ROTATE_REFRESH_TOKENS,
        sliding: settings.AUTH_TOKEN_CLASSES.includes('SlidingToken'),
        cookieMode: cookieModeOf(settings, routeOptions.tokenPrefix ?? '/api/token/'),
      }),
      ...(accountsPrefix === false ? [] : registrationRoutes(accountsPrefix, settings.MAX_PASSWORD_LENGTH)),
      ...(accountsPrefix === false || !recovery
        ? []
        : accountRoutes({
            prefix: accountsPrefix,
            oldPasswordMaxLength: settings.OLD_PASSWORD_FIELD_ENABLED ? settings.MAX_PASSWORD_LENGTH : undefined,
            emailVerification: settings.ACCOUNT_EMAIL_VERIFICATION !== 'none',
          })),
      ...(settings.REVOCATION_FEED_KEY === null ? [] : revocationFeedRoutes(routeOptions.tokenPrefix ?? '/api/token/')),
      ...(routeOptions.demoViews ? demoRoutes() : []),
      ...(routeOptions.jwks === false ? [] : jwksRoutes(keys, settings.JWKS_MAX_AGE)),
    ];
  };
  // Said once, where the app will see it: a development secret or database file written into
  // the app's folder is not something to learn about later.
  if (options.reportWarnings !== false) for (const warning of warnings) log.warn(warning);
  const tessera: Tessera = {
    store,
    authenticate: (header) => authenticateAndReport(context, header, authenticateHeader),
    authenticateStateless: (header) => authenticateAndReport(context, header, authenticateStateless),
    keys,
    settings,
    warnings,
    mail,
    routes,
    dispatcher: (routeOptions, reportError, rendering) => createRouter(context, routes(routeOptions), reportError, rendering),
    metrics,
    events,
    log,
    readiness,
    close: async () => {
      keys.close();
      await throttledSignIns?.close();
      await throttledLogins?.close();
      await mail.close();
      await bus?.close();
      await redis?.close();
      await limiter.close();
      await store.close();
    },
  };
  attachContext(tessera, context);
  return tessera;
}

/** Audit rows go to the store when it keeps them (your own store may not). */
function auditWriterOf(store: Store) {
  const { audit } = store;
  return audit === undefined ? undefined : (row: Parameters<typeof audit.recordAudit>[0]) => audit.recordAudit(row);
}

/** `/readyz`: the database answers and is fully migrated; Redis answers when configured. */
function readinessChecks(store: Store, redis: { ping(): Promise<boolean> } | undefined): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  if (store.ping !== undefined) checks.push({ name: 'database', run: () => store.ping?.() ?? Promise.resolve(true) });
  if (store.pendingMigrations !== undefined) {
    checks.push({ name: 'migrations', run: async () => ((await store.pendingMigrations?.()) ?? []).length === 0 });
  }
  if (redis !== undefined) checks.push({ name: 'redis', run: () => redis.ping() });
  return checks;
}

/**
 * One audit event per throttled key and minute (console sign-ins, API logins), when the store
 * keeps an audit trail: through the event sink like every other (row, log line,
 * `onAuditEvent`). Refused attempts are the cheapest flood there is (issue 12 §8); each one
 * still moves the metrics (`login.throttled` is metrics-only).
 */
function throttledAttemptLog(
  store: CachedStore,
  codec: TokenCodec,
  events: AuthEventSink,
  kind: { action: AuthEvent['action']; noun: string },
): ThrottledAttemptLog | undefined {
  if (store.audit === undefined) return undefined;
  return new ThrottledAttemptLog({
    now: () => codec.now(),
    // The sink never rejects: a failed write is logged and counted there.
    onError: () => undefined,
    write: async (summary) =>
      events.emit({
        action: kind.action,
        username: summary.username,
        detail: `${summary.count} ${kind.noun} attempt${summary.count === 1 ? '' : 's'} refused (throttled) from ${summary.firstAt.toISOString()} to ${summary.lastAt.toISOString()}${summary.overflow ? ', several usernames and addresses' : ''}`,
        origin: { ip: summary.ip },
      }),
  });
}

/**
 * Redis for what instances share: throttle counters and user-cache invalidations. Loaded only
 * when REDIS_URL is set, so a single SQLite server does not pay the client's start-up cost.
 */
async function connectRedis(url: string, store: CachedStore, log: Logger, settings: Settings) {
  const [{ RedisLink }, { RedisRateLimiter }, { InvalidationBus }] = await importNeeding(
    'redis',
    'REDIS_URL',
    () =>
      Promise.all([
        import('../stores/redis/redis-link.js'),
        import('../stores/redis/redis-rate-limiter.js'),
        import('../stores/redis/invalidation-bus.js'),
      ]),
    'sharing throttles and caches over Redis',
  );
  const redis = RedisLink.open(url, log);
  // The push of the revocation feed: the cut-off user as tokens name them (USER_ID_FIELD).
  const cutOffEntry = async (cutOff: { userId: number; version: number; at: Date }) => {
    const user = await store.findUser('id', cutOff.userId);
    return user && feedCutOff({ settings }, { ...cutOff, userId: user.id, username: user.username, email: user.email });
  };
  return { redis, limiter: new RedisRateLimiter(redis, new MemoryRateLimiter()), bus: InvalidationBus.connect(redis, store, cutOffEntry) };
}
