/**
 * What a stand-alone verifier knows of revocations (issue 15 item 4): the users cut off and the
 * sessions revoked within the last access-token lifetime, read from the server's revocation
 * feed every `pollIntervalMs`, and pushed over Redis pub/sub as they happen when both use Redis.
 * Without either, a verifier accepts an access token until it expires (docs/revocation.md).
 *
 * Entries are kept until they are older than the feed's horizon (an access token minted before
 * them has expired by then), so the list stays as small as the feed. A failed poll keeps what is
 * known and is reported to `onError`; it never empties the list.
 */
import { sameUser, feedCutOffOf, revocationFeedOf, SESSION_REVOKED_CHANNEL, TOKEN_CUT_OFF_CHANNEL } from '../model/revocation-feed.js';
import type { FeedCutOff, RevocationFeed } from '../model/revocation-feed.js';
import type { TokenErrorReason } from '../errors.js';

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
}

/** The claim names used before the first feed arrives (the server's defaults). */
const DEFAULT_CLAIMS: RevocationFeed['claims'] = { user: 'user_id', version: 'ver', session: null };

interface Known {
  readonly at: number;
}

export class RevocationList {
  readonly #options: RevocationFeedOptions;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #onError: (error: Error) => void;
  #claims = DEFAULT_CLAIMS;
  #horizon = 300;
  /** Cut-offs by the user claim's text. */
  readonly #cutOffs = new Map<string, FeedCutOff>();
  readonly #sessions = new Map<string, Known>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #subscriber: { close(): Promise<unknown> } | undefined;

  constructor(options: RevocationFeedOptions, services: { fetch: typeof fetch; now: () => number; onError: (error: Error) => void }) {
    this.#options = options;
    this.#fetch = services.fetch;
    this.#now = services.now;
    this.#onError = services.onError;
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
      // Times in this process's clock: the server's may differ from it.
      const skew = Math.floor(this.#now() / 1000) - feed.now;
      for (const cutOff of feed.cut_offs) this.#addCutOff({ ...cutOff, at: cutOff.at + skew });
      for (const session of feed.sessions) this.#sessions.set(session.sid, { at: session.at + skew });
      this.#prune();
      return true;
    } catch (error) {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
  }

  /** Why these (verified) claims are revoked, or `undefined` when they are not. */
  revocationOf(claims: Readonly<Record<string, unknown>>): TokenErrorReason | undefined {
    const { session, user, version } = this.#claims;
    const userClaim = claims[user];
    const cutOff = typeof userClaim === 'number' || typeof userClaim === 'string' ? this.#cutOffs.get(String(userClaim)) : undefined;
    if (cutOff !== undefined && sameUser(userClaim, cutOff.user)) {
      const minted = claims[version];
      const tokenVersion = typeof minted === 'number' && Number.isSafeInteger(minted) && minted > 0 ? minted : 0;
      if (tokenVersion < cutOff.version) return 'cut_off';
    }
    const sid = session === null ? undefined : claims[session];
    return typeof sid === 'string' && this.#sessions.has(sid) ? 'session_revoked' : undefined;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#subscriber?.close().catch(() => undefined);
  }

  #addCutOff(cutOff: FeedCutOff): void {
    const known = this.#cutOffs.get(String(cutOff.user));
    if (known === undefined || known.version <= cutOff.version) this.#cutOffs.set(String(cutOff.user), cutOff);
  }

  #prune(): void {
    const oldest = this.#now() / 1000 - this.#horizon;
    for (const [user, cutOff] of this.#cutOffs) if (cutOff.at < oldest) this.#cutOffs.delete(user);
    for (const [sid, known] of this.#sessions) if (known.at < oldest) this.#sessions.delete(sid);
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
      await client.subscribe(SESSION_REVOKED_CHANNEL, (sid) => this.#sessions.set(sid, { at: at() }));
      await client.subscribe(TOKEN_CUT_OFF_CHANNEL, (message) => {
        let cutOff: FeedCutOff | undefined;
        try {
          cutOff = feedCutOffOf(JSON.parse(message) as unknown);
        } catch {
          cutOff = undefined;
        }
        // Kept from when it arrived: the server's clock may differ from this one.
        if (cutOff !== undefined) this.#addCutOff({ ...cutOff, at: at() });
      });
    } catch (error) {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
