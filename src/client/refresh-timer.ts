/**
 * When to refresh: ahead of expiry, at `refreshAt` of the access token's lifetime minus a random
 * part of up to `refreshJitter` of it, so that tabs (and the many clients of one server) do not
 * all fire at the same moment. After a network error or a 5xx, exponential back-off with full
 * jitter, capped: a server that is down is not hammered, and the session is not given up.
 */
import type { Session } from './session.js';

export interface RefreshTimerOptions {
  readonly refreshAt: number;
  readonly refreshJitter: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly clock: () => number;
}

export class RefreshTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    private readonly options: RefreshTimerOptions,
    private readonly onDue: () => void,
  ) {}

  /** The moment (local ms) this tab should refresh `session`, jitter included. */
  dueAt(session: Session): number {
    const lifetime = Math.max(0, session.accessExpiresAt - session.obtainedAt);
    const { refreshAt, refreshJitter } = this.options;
    return session.obtainedAt + lifetime * (refreshAt - Math.random() * refreshJitter);
  }

  /** Refresh `session` when it is due. */
  scheduleFor(session: Session): void {
    this.failures = 0;
    this.at(this.dueAt(session));
  }

  /** Try again after a failure: 1 s, 2 s, 4 s ... up to the cap, each with full jitter. */
  backOff(): void {
    const { retryInitialMs, retryMaxMs } = this.options;
    const ceiling = Math.min(retryMaxMs, retryInitialMs * 2 ** this.failures);
    this.failures += 1;
    this.in(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** Another tab is refreshing until `until`: this tab waits for its result instead of racing it. */
  postponeUntil(until: number, session: Session): void {
    this.at(Math.max(until, this.dueAt(session)));
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private at(moment: number): void {
    this.in(moment - this.options.clock());
  }

  private in(delayMs: number): void {
    this.cancel();
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.onDue();
      },
      Math.max(0, delayMs),
    );
    // Node: a pending refresh must not keep a script alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
