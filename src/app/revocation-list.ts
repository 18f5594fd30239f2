/**
 * What a stand-alone verifier knows of revocations (issue 15 item 4): the users cut off and the
 * sessions revoked within the last access-token lifetime, read from the server's revocation
 * feed every `pollIntervalMs`, and pushed over Redis pub/sub as they happen when both use Redis.
 * Without either, a verifier accepts an access token until it expires (docs/revocation.md).
 *
 * Entries are dropped once they are older than the feed's horizon (ACCESS_TOKEN_LIFETIME + LEEWAY
 * of the server) plus this verifier's own LEEWAY: every access token minted before them has
 * expired by then, so none they could refuse is still accepted. That age is checked by each
 * entry's own time on every push, poll and check, whether or not the feed answers, so pushes
 * alone cannot grow the list while the feed fails. The horizon is the one the feed last gave;
 * before the feed has ever answered it is unknown, and entries are not dropped by age (a server
 * with longer-lived tokens would otherwise see revoked tokens accepted again).
 *
 * The list also holds at most `maxEntries` entries (cut-offs and sessions together); past that,
 * the oldest are dropped first and `onError` hears of it (once, until the list shrinks). A token
 * of a session or user dropped that way is accepted again until it expires, as without a feed: the
 * newest revocations, whose tokens live longest, are the ones kept. A failed poll keeps what is known and is reported
 * to `onError`; it never empties the list.
 *
 * Until the feed has answered, the session claim's name is unknown: a session id pushed over Redis
 * then refuses a token any of whose top-level string claims is that id (session ids are random
 * UUIDs, so only the session's own tokens carry it). Once the feed names the claim (or says the
 * server has none), only that claim is read.
 */
import { sameUser, feedCutOffOf, revocationFeedOf, SESSION_REVOKED_CHANNEL, TOKEN_CUT_OFF_CHANNEL } from '../model/revocation-feed.js';
import type { FeedCutOff, RevocationFeed } from '../model/revocation-feed.js';
import { ConfigError, type TokenErrorReason } from '../errors.js';

export interface RevocationFeedOptions {
  /** The server's feed: `https://auth.example/api/token/revocations/`. */
  readonly url: string;
  /** REVOCATION_FEED_KEY of that server, sent as `Authorization: Bearer <key>`. */
  readonly key: string;
  /** How often to poll the feed. @default 5000 */
  readonly pollIntervalMs?: number;
  /** The Redis both use (`redis://host:6379`): revocations arrive at once. Loads the `redis` package. */
  readonly redisUrl?: string;
  /** Feed fetch timeout. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * Most revocations kept (cut-offs and sessions together). Past it the oldest heard of are
   * dropped, reported to `onError`, and their tokens accepted again until they expire.
   * @default 100000
   */
  readonly maxEntries?: number;
}

/** The claim names used before the first feed arrives (the server's defaults; the session claim is unknown). */
const DEFAULT_CLAIMS: RevocationFeed['claims'] = { user: 'user_id', version: 'ver', session: null };

/** Default of {@link RevocationFeedOptions.maxEntries}. */
export const DEFAULT_MAX_REVOCATIONS = 100_000;

interface Known {
  readonly at: number;
}

export class RevocationList {
  readonly #options: RevocationFeedOptions;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #onError: (error: Error) => void;
  readonly #leeway: number;
  readonly #maxEntries: number;
  #claims = DEFAULT_CLAIMS;
  /** Whether the feed has answered once: until then the claim names and the horizon are guesses. */
  #fed = false;
  /** Seconds an entry is kept: the feed's horizon; unknown (`undefined`) until it answers. */
  #horizon: number | undefined;
  /** Whether the cap is being hit (reported once until the list shrinks below it). */
  #full = false;
  /** The whole second of the last sweep by age: entries' times are whole seconds. */
  #sweptAt = Number.NEGATIVE_INFINITY;
  /** Cut-offs by the user claim's text. */
  readonly #cutOffs = new Map<string, FeedCutOff>();
  readonly #sessions = new Map<string, Known>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #subscriber: { close(): Promise<unknown> } | undefined;

  /** `leeway`: the verifier's LEEWAY in seconds, the longest it accepts a token past its `exp`. */
  constructor(
    options: RevocationFeedOptions,
    services: { fetch: typeof fetch; now: () => number; onError: (error: Error) => void; leeway?: number },
  ) {
    this.#options = options;
    this.#fetch = services.fetch;
    this.#now = services.now;
    this.#onError = services.onError;
    this.#leeway = services.leeway ?? 0;
    const max = options.maxEntries ?? DEFAULT_MAX_REVOCATIONS;
    if (!Number.isSafeInteger(max) || max < 1) throw new ConfigError('revocationFeed.maxEntries', `must be a positive integer, not ${max}`);
    this.#maxEntries = max;
  }

  /** Starts polling (and listening on Redis, when configured). The first poll starts now. */
  start(): void {
    void this.poll();
    this.#timer = setInterval(() => void this.poll(), this.#options.pollIntervalMs ?? 5000);
    this.#timer.unref();
    if (this.#options.redisUrl !== undefined) void this.#listen(this.#options.redisUrl);
  }

  /** Reads the feed now; resolves to whether it succeeded, never rejects. */
  async poll(): Promise<boolean> {
    try {
      const response = await this.#fetch(this.#options.url, {
        headers: { authorization: `Bearer ${this.#options.key}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5000),
      });
      if (response.status !== 200) throw new Error(`revocation feed answered ${response.status}`);
      const feed = revocationFeedOf(await response.json());
      this.#claims = feed.claims;
      this.#horizon = feed.horizon;
      this.#fed = true;
      // Times in this process's clock: the server's may differ from it.
      const skew = Math.floor(this.#now() / 1000) - feed.now;
      for (const cutOff of feed.cut_offs) this.#addCutOff({ ...cutOff, at: cutOff.at + skew });
      for (const session of feed.sessions) this.#addSession(session.sid, session.at + skew);
      this.#cap();
      this.#sweptAt = Number.NEGATIVE_INFINITY;
      this.#prune();
      return true;
    } catch (error) {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  /** Why these (verified) claims are revoked, or `undefined` when they are not. */
  revocationOf(claims: Readonly<Record<string, unknown>>): TokenErrorReason | undefined {
    this.#prune();
    const { session, user, version } = this.#claims;
    const userClaim = claims[user];
    const cutOff = typeof userClaim === 'number' || typeof userClaim === 'string' ? this.#cutOffs.get(String(userClaim)) : undefined;
    if (cutOff !== undefined && sameUser(userClaim, cutOff.user)) {
      const minted = claims[version];
      const tokenVersion = typeof minted === 'number' && Number.isSafeInteger(minted) && minted > 0 ? minted : 0;
      if (tokenVersion < cutOff.version) return 'cut_off';
    }
    if (!this.#fed) {
      // The session claim's name is not known yet: any claim naming a revoked session refuses.
      for (const value of Object.values(claims)) if (typeof value === 'string' && this.#sessions.has(value)) return 'session_revoked';
      return undefined;
    }
    const sid = session === null ? undefined : claims[session];
    return typeof sid === 'string' && this.#sessions.has(sid) ? 'session_revoked' : undefined;
  }

  /** How many cut-offs and sessions are kept now. @internal */
  sizes(): { cutOffs: number; sessions: number } {
    return { cutOffs: this.#cutOffs.size, sessions: this.#sessions.size };
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#subscriber?.close().catch(() => undefined);
  }

  // Maps keep insertion order: an entry is (re)inserted when it is first heard of or heard of
  // with a later time, so the first entries are the oldest news, the ones the cap drops first.

  #addCutOff(cutOff: FeedCutOff): void {
    const key = String(cutOff.user);
    const known = this.#cutOffs.get(key);
    if (known !== undefined && (known.version > cutOff.version || (known.version === cutOff.version && known.at >= cutOff.at))) return;
    this.#cutOffs.delete(key);
    this.#cutOffs.set(key, cutOff);
  }

  #addSession(sid: string, at: number): void {
    const known = this.#sessions.get(sid);
    if (known !== undefined && known.at >= at) return;
    this.#sessions.delete(sid);
    this.#sessions.set(sid, { at });
  }

  /**
   * Drops the entries older than the horizon plus the leeway, by their own times, at most once a
   * second (entries' times are whole seconds); nothing before the feed has given a horizon.
   */
  #prune(): void {
    if (this.#horizon === undefined) return;
    const nowSeconds = this.#now() / 1000;
    if (Math.floor(nowSeconds) === this.#sweptAt) return;
    this.#sweptAt = Math.floor(nowSeconds);
    // An entry at `at` refuses tokens minted before it: they expire by `at + horizon` (the
    // server's lifetime and leeway), and this verifier accepts them `leeway` seconds longer.
    const oldest = Math.floor(nowSeconds) - 1 - this.#horizon - this.#leeway;
    for (const [user, cutOff] of this.#cutOffs) if (cutOff.at < oldest) this.#cutOffs.delete(user);
    for (const [sid, known] of this.#sessions) if (known.at < oldest) this.#sessions.delete(sid);
  }

  /** Keeps at most `maxEntries`: drops the oldest news first (of the two maps' first entries, the older). */
  #cap(): void {
    let dropped = 0;
    while (this.#cutOffs.size + this.#sessions.size > this.#maxEntries) {
      const cutOff = this.#cutOffs.entries().next().value;
      const session = this.#sessions.entries().next().value;
      if (cutOff !== undefined && (session === undefined || cutOff[1].at <= session[1].at)) this.#cutOffs.delete(cutOff[0]);
      else if (session !== undefined) this.#sessions.delete(session[0]);
      dropped += 1;
    }
    if (dropped > 0 && !this.#full)
      this.#onError(new Error(`revocation list full (${this.#maxEntries} entries): dropping the oldest revocations`));
    this.#full = dropped > 0 || (this.#full && this.#cutOffs.size + this.#sessions.size >= this.#maxEntries);
  }

  /** Subscribes to the server's revocation channels; the `redis` package is loaded only here. */
  async #listen(url: string): Promise<void> {
    try {
      const { createClient } = await import('redis');
      const client = createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) } });
      client.on('error', (error: Error) => this.#onError(error));
      this.#subscriber = client;
      await client.connect();
      const at = () => Math.floor(this.#now() / 1000);
      await client.subscribe(SESSION_REVOKED_CHANNEL, (sid) => {
        this.#prune();
        this.#addSession(sid, at());
        this.#cap();
      });
      await client.subscribe(TOKEN_CUT_OFF_CHANNEL, (message) => {
        let cutOff: FeedCutOff | undefined;
        try {
          cutOff = feedCutOffOf(JSON.parse(message) as unknown);
        } catch {
          cutOff = undefined;
        }
        // Kept from when it arrived: the server's clock may differ from this one.
        this.#prune();
        if (cutOff !== undefined) this.#addCutOff({ ...cutOff, at: at() });
        this.#cap();
      });
    } catch (error) {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
