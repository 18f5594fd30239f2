/**
 * Throttled attempts, aggregated: one record per key and window with a count, instead of one
 * per attempt. A refused attempt is the cheapest request an anonymous client can make, so
 * writing a row for each let 2,000 throttled console sign-ins write 2,000 audit rows in 1.5 s
 * and push real events off the pages (issue 12).
 *
 * Counts are kept in memory and written when their window ends (checked at each new attempt
 * and by a timer) and at close. The number of keys is bounded: past `maxKeys`, attempts are
 * counted under one "other" key, so the total stays exact whatever the keys.
 */

/** What one written record says. */
export interface ThrottledAttemptSummary {
  /** The username tried (at most 150 characters) and the client address. */
  readonly username: string;
  readonly ip: string | undefined;
  /** Attempts refused in this window. */
  readonly count: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
  /** True for the record that gathers attempts past `maxKeys` (several usernames and addresses). */
  readonly overflow: boolean;
}

interface Pending {
  username: string;
  ip: string | undefined;
  count: number;
  firstAt: number;
  lastAt: number;
  overflow: boolean;
}

export interface ThrottledAttemptLogOptions {
  /** Writes one record; errors are reported to `onError`, never to the client. */
  readonly write: (summary: ThrottledAttemptSummary) => Promise<void>;
  readonly now: () => number;
  /** @default 60000 */
  readonly windowMs?: number;
  /** @default 10000 */
  readonly maxKeys?: number;
  readonly onError?: (error: unknown) => void;
}

const OVERFLOW_KEY = '\u0000overflow';

export class ThrottledAttemptLog {
  readonly #pending = new Map<string, Pending>();
  readonly #options: Required<Omit<ThrottledAttemptLogOptions, 'onError'>> & Pick<ThrottledAttemptLogOptions, 'onError'>;
  readonly #timer: NodeJS.Timeout;

  constructor(options: ThrottledAttemptLogOptions) {
    this.#options = { windowMs: 60_000, maxKeys: 10_000, ...options };
    this.#timer = setInterval(() => void this.#writeEnded(this.#options.now()), this.#options.windowMs);
    this.#timer.unref();
  }

  /** Counts one refused attempt under `key` (a fixed-size throttle key). */
  note(key: string, attempt: { username: string; ip: string | undefined }): void {
    const now = this.#options.now();
    void this.#writeEnded(now);
    const full = !this.#pending.has(key) && this.#pending.size >= this.#options.maxKeys;
    const slot = full ? OVERFLOW_KEY : key;
    const entry = this.#pending.get(slot);
    if (entry !== undefined) {
      entry.count++;
      entry.lastAt = now;
      if (entry.overflow) entry.username = '(several)';
      return;
    }
    this.#pending.set(slot, {
      username: full ? '(several)' : attempt.username.slice(0, 150),
      ip: full ? undefined : attempt.ip,
      count: 1,
      firstAt: now,
      lastAt: now,
      overflow: full,
    });
  }

  /** Writes every pending record now (the window is cut short). */
  async flush(): Promise<void> {
    await this.#writeEnded(Number.POSITIVE_INFINITY);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  /** Writes (and forgets) the records whose window ended by `now`. */
  async #writeEnded(now: number): Promise<void> {
    const ended: Pending[] = [];
    for (const [key, entry] of this.#pending) {
      if (entry.firstAt + this.#options.windowMs <= now) {
        ended.push(entry);
        this.#pending.delete(key);
      }
    }
    for (const entry of ended) {
      await this.#options
        .write({ ...entry, firstAt: new Date(entry.firstAt), lastAt: new Date(entry.lastAt) })
        .catch((error: unknown) => this.#options.onError?.(error));
    }
  }
}
