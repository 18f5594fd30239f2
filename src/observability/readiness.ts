/**
 * `GET /readyz`: may a load balancer send this instance traffic? The database answers, its
 * migrations are all applied, and Redis answers when one is configured. `GET /healthz` only
 * says the process is alive and serving, so an orchestrator restarts a wedged process but not
 * one whose database is down (restarting would not fix that).
 *
 * Both are public and unthrottled, so readiness must stay cheap under any request rate: every
 * check has a deadline, concurrent probes share one run, and a result is reused for
 * {@link READINESS_CACHE_MS}, so a flood of probes costs the database at most a few queries a
 * second.
 */

/** One dependency to check: resolves `true` when it is fine, `false` (or throws) when not. */
export interface ReadinessCheck {
  /** The name in the answer (`database`, `migrations`, `redis`). */
  readonly name: string;
  run(): Promise<boolean>;
}

export type CheckState = 'ok' | 'failing' | 'timeout';

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckState>>;
}

/** How long one probe's result is reused. */
export const READINESS_CACHE_MS = 500;

/** How long a check may take before it counts as failing (a database that hangs is not ready). */
export const CHECK_TIMEOUT_MS = 2000;

async function settle(check: ReadinessCheck, timeoutMs: number): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckState>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const run = check.run().then(
      (ok): CheckState => (ok ? 'ok' : 'failing'),
      (): CheckState => 'failing',
    );
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A readiness probe over `checks`, run in parallel, each with a deadline, with results cached
 * for `cacheMs` and concurrent callers sharing one run.
 *
 * @example
 * ```ts
 * const probe = readinessProbe([{ name: 'database', run: () => store.ping() }]);
 * const { ready, checks } = await probe(); // { ready: true, checks: { database: 'ok' } }
 * ```
 */
export function readinessProbe(
  checks: readonly ReadinessCheck[],
  options: { cacheMs?: number; timeoutMs?: number; now?: () => number } = {},
): () => Promise<Readiness> {
  const cacheMs = options.cacheMs ?? READINESS_CACHE_MS;
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  let last: { at: number; result: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;

  const run = async (): Promise<Readiness> => {
    const states = await Promise.all(checks.map((check) => settle(check, timeoutMs)));
    const result: Readiness = {
      ready: states.every((state) => state === 'ok'),
      checks: Object.fromEntries(checks.map((check, index) => [check.name, states[index] ?? 'failing'])),
    };
    last = { at: now(), result };
    return result;
  };

  return () => {
    if (last !== undefined && now() - last.at < cacheMs) return Promise.resolve(last.result);
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };
}
