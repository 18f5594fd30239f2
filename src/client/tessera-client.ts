/**
 * `createTesseraClient`: signs in, keeps the session fresh, and signs requests, in browsers and
 * in Node, with no dependency.
 *
 * The races it closes (each one a bug report against a peer: supabase auth-js #213, next-auth
 * #2071, axios-auth-refresh #210/#288, simplejwt #927):
 * - many calls fail with 401 at once: one refresh in flight per tab, every caller awaits it, each
 *   call is retried once (never a loop);
 * - many tabs: a tab announces its refresh on the tab channel and shares the result; with Web
 *   Locks, refreshes of one origin run one at a time and a tab that waited finds the new session
 *   in shared storage instead of refreshing again;
 * - a tab loses a concurrent rotation (401): it waits `raceSettleMs` for the winner's session
 *   before it believes it was signed out;
 * - the network fails: back off and retry; only the server's refusal (401) signs out.
 */
import { ApiRequests, type ApiAnswer } from './api-requests.js';
import { withCrossTabLock } from './cross-tab-lock.js';
import { csrfTokenFrom, isSafeMethod, readCookie } from './csrf.js';
import { TesseraClientError, TesseraNetworkError } from './errors.js';
import { resolveOptions, type AuthMode, type ResolvedOptions, type TesseraClientOptions } from './options.js';
import { RefreshTimer } from './refresh-timer.js';
import { SessionStore, sessionFromAnswer, type Session, type TokenAnswer } from './session.js';
import { TabChannel, type TabMessage } from './tab-channel.js';
import type { AuthChange, AuthChangeReason, Credentials, TesseraClient } from './client-types.js';

export type { AuthChange, AuthChangeReason, Credentials, TesseraClient } from './client-types.js';

class Client implements TesseraClient {
  readonly mode: AuthMode;
  private session: Session | null;
  private inFlight: Promise<boolean> | undefined;
  /** Cookie mode: the CSRF token fetched from `routes.csrf` when the page had none (after a reload). */
  private fetchedCsrf: string | null = null;
  private csrfInFlight: Promise<string | null> | undefined;
  private readonly listeners = new Set<(change: AuthChange) => void>();
  private readonly newerSessionWaiters = new Set<() => void>();
  private readonly api: ApiRequests;
  private readonly store: SessionStore;
  private readonly timer: RefreshTimer;
  private readonly channel: TabChannel;

  constructor(private readonly options: ResolvedOptions) {
    this.mode = options.mode;
    this.api = new ApiRequests(options);
    this.store = new SessionStore(options.storage, options.storageKey);
    this.timer = new RefreshTimer(options, () => void this.refresh().catch(() => undefined));
    this.channel = new TabChannel(options.channel, (message) => this.onTabMessage(message));
    this.session = this.store.load();
    if (this.session !== null) this.schedule(this.session);
  }

  get signedIn(): boolean {
    return this.session !== null;
  }

  get version(): number | null {
    return this.session?.obtainedAt ?? null;
  }

  ownsUrl(url: string): boolean {
    return this.api.isApiUrl(url);
  }

  async login(credentials: Credentials): Promise<void> {
    const { response, body } = await this.reach(() => this.api.call('POST', this.options.routes.obtain, { ...credentials }));
    if (!response.ok) throw new TesseraClientError(response.status, body);
    this.adoptAnswer(response, body, null, 'signed-in');
  }

  async register(fields: Readonly<Record<string, string>>): Promise<void> {
    const { response, body } = await this.reach(() => this.api.call('POST', this.options.routes.register, { ...fields }));
    if (!response.ok) throw new TesseraClientError(response.status, body);
  }

  async logout(): Promise<void> {
    const current = this.session;
    const body = this.mode === 'bearer' ? { refresh: current?.refresh ?? '' } : {};
    try {
      // Bearer mode without a refresh token has nothing to revoke; cookie mode always asks, so the server clears its cookies.
      if (this.mode === 'cookie' || current?.refresh != null) {
        const csrf = await this.ensureCsrfToken();
        await this.reach(() => this.api.call('POST', this.options.routes.blacklist, body, csrf));
      }
    } finally {
      // The tokens leave this browser whatever the server said; a network error is still reported.
      this.signOut('signed-out', true);
    }
  }

  async logoutAll(): Promise<void> {
    const response = await this.fetch(this.options.routes.logoutAll, { method: 'POST' });
    if (!response.ok && response.status !== 401) throw new TesseraClientError(response.status, await response.json().catch(() => null));
    this.signOut('signed-out', true);
  }

  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(typeof input === 'string' ? this.api.url(input) : input, init);
    // A token or a cookie is never sent to any other origin.
    if (!this.api.isApiUrl(request.url)) return this.options.fetch(request);
    await this.refreshIfDue();
    // Cookie mode: an unsafe request needs the CSRF token; after a reload, asked for first.
    const csrf = this.mode === 'cookie' && !isSafeMethod(request.method) ? await this.ensureCsrfToken() : null;
    const used = this.session;
    const first = await this.options.fetch(this.api.authorize(request.clone(), used, csrf ?? used?.csrfToken ?? null));
    if (first.status !== 401 || used === null) return first;
    const signedIn = await this.refresh({ ifVersion: used.obtainedAt }).catch(() => false);
    if (!signedIn) return first;
    // Retried once, with whatever session is current now; a second 401 is the caller's answer.
    return this.options.fetch(this.api.authorize(request, this.session));
  }

  refresh(options: { readonly ifVersion?: number | null } = {}): Promise<boolean> {
    if (options.ifVersion !== undefined) {
      // The session moved on since the caller's request went out (another call or tab refreshed).
      this.adoptStored();
      if (this.version !== options.ifVersion) return Promise.resolve(this.session !== null);
    }
    if (this.session === null) return Promise.resolve(false);
    this.inFlight ??= this.refreshAcrossTabs().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async restore(): Promise<boolean> {
    this.adoptStored();
    if (this.session !== null) {
      await this.refreshIfDue();
      // The refresh may have ended the session (read through the getter: TypeScript keeps the narrowing across the await).
      return this.signedIn;
    }
    if (this.mode === 'bearer') return false;
    // Cookie mode: the HttpOnly cookies may hold a session this page cannot see; a refresh tells.
    const csrf = await this.ensureCsrfToken();
    const answer = await this.reach(() => this.api.call('POST', this.options.routes.refresh, {}, csrf));
    if (!answer.response.ok) return false;
    this.adoptAnswer(answer.response, answer.body, null, 'signed-in');
    return true;
  }

  async authHeaders(method = 'GET'): Promise<Record<string, string>> {
    await this.refreshIfDue();
    const probe = this.api.authorize(new Request(this.api.url('/'), { method }), this.session);
    const headers: Record<string, string> = {};
    probe.headers.forEach((value, name) => (headers[name] = value));
    return headers;
  }

  onAuthChange(listener: (change: AuthChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): void {
    this.timer.cancel();
    this.channel.close();
    this.listeners.clear();
  }

  // ---- refreshing ----

  /** Before a call: a session that is expired, or about to be, is refreshed first. */
  private async refreshIfDue(): Promise<void> {
    const session = this.session;
    if (session === null) return;
    const margin = Math.min(1000, (session.accessExpiresAt - session.obtainedAt) * 0.1);
    if (this.options.clock() < session.accessExpiresAt - margin) return;
    // A failure leaves the call to go out as it is: its own answer (a 401) decides.
    await this.refresh().catch(() => undefined);
  }

  private async refreshAcrossTabs(): Promise<boolean> {
    const before = this.session;
    return withCrossTabLock(`tessera-refresh:${this.options.baseUrl}`, async () => {
      // While this tab waited for the lock, the holder may have refreshed and stored the result.
      this.adoptStored();
      if (this.session === null) return false;
      if (this.session !== before) return true;
      return this.refreshNow(this.session);
    });
  }

  private async refreshNow(current: Session): Promise<boolean> {
    const { clock, routes } = this.options;
    this.channel.post({ type: 'refreshing', until: clock() + 2000 });
    const body = this.mode === 'bearer' ? { refresh: current.refresh ?? '' } : {};
    let answer: ApiAnswer;
    try {
      answer = await this.api.call('POST', routes.refresh, body, await this.ensureCsrfToken());
    } catch (error) {
      this.timer.backOff();
      throw new TesseraNetworkError('refresh: no answer from the server', null, { cause: error });
    }
    const { response } = answer;
    if (response.ok) {
      this.adoptAnswer(response, answer.body, current, 'refreshed');
      return true;
    }
    if (response.status >= 500 || response.status === 429) {
      this.timer.backOff();
      throw new TesseraNetworkError(`refresh: the server answered ${response.status}`, response.status);
    }
    if (response.status === 401 || response.status === 400) {
      // Refused. Another tab may have won a concurrent rotation of this very token: its session is on the way.
      if (await this.newerSessionWithin(current, this.options.raceSettleMs)) return true;
      // Another tab's sign-out may have reached this one while the refresh was in flight: it is said once.
      if (this.session !== null) this.signOut('refresh-refused', true);
      return false;
    }
    // 403 (CSRF) and the like: the session may be fine; the caller hears about it.
    this.timer.backOff();
    throw new TesseraClientError(response.status, answer.body);
  }

  /** Whether a session newer than `than` arrives (from another tab or the storage) within `ms`. */
  private async newerSessionWithin(than: Session, ms: number): Promise<boolean> {
    const arrived = (): boolean => {
      this.adoptStored();
      return this.session !== than && this.session !== null;
    };
    if (arrived()) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timeout);
        this.newerSessionWaiters.delete(done);
        resolve();
      };
      const timeout = setTimeout(done, ms);
      this.newerSessionWaiters.add(done);
    });
    return arrived();
  }

  // ---- state ----

  private adoptAnswer(response: Response, body: unknown, previous: Session | null, reason: 'signed-in' | 'refreshed'): void {
    const csrf =
      this.mode === 'cookie' ? (csrfTokenFrom(response, this.options.csrfHeaderName) ?? readCookie(this.options.csrfCookieName)) : null;
    const answer = typeof body === 'object' && body !== null ? (body as TokenAnswer) : {};
    // `obtainedAt` is the session's version (a 401 compares it to tell whether the session moved
    // on since its request went out; tabs compare it to keep the newest), so each session gets one
    // after those it replaces, even from a clock that did not move: browsers may coarsen Date.now()
    // (to 100 ms under Firefox's resistFingerprinting), and a refresh can land in the login's tick.
    const newest = Math.max(this.session?.obtainedAt ?? -Infinity, this.store.load()?.obtainedAt ?? -Infinity);
    const session = sessionFromAnswer(this.mode, answer, Math.max(this.options.clock(), newest + 1), previous, csrf);
    this.setSession(session);
    this.channel.post({ type: 'session', reason, session });
    this.emit(reason, false);
  }

  private setSession(session: Session): void {
    this.session = session;
    const stored = this.store.load();
    if (stored === null || stored.obtainedAt <= session.obtainedAt) this.store.save(session);
    this.schedule(session);
    for (const wake of [...this.newerSessionWaiters]) wake();
  }

  /** A newer session in shared storage (written by another tab) replaces this tab's. */
  private adoptStored(): void {
    const stored = this.store.load();
    if (stored !== null && stored.obtainedAt > (this.session?.obtainedAt ?? -Infinity)) {
      this.session = stored;
      this.schedule(stored);
    }
  }

  private schedule(session: Session): void {
    if (this.options.autoRefresh) this.timer.scheduleFor(session);
  }

  private signOut(reason: 'signed-out' | 'refresh-refused', broadcast: boolean): void {
    const wasSignedIn = this.session !== null;
    this.session = null;
    // Bound to the session that ended: the next session gets its own.
    this.fetchedCsrf = null;
    this.store.save(null);
    this.timer.cancel();
    if (broadcast) this.channel.post({ type: 'signed-out' });
    if (wasSignedIn || broadcast) this.emit(reason, !broadcast);
  }

  private onTabMessage(message: TabMessage): void {
    if (message.type === 'signed-out') {
      if (this.session !== null) this.signOut('signed-out', false);
      return;
    }
    if (message.type === 'refreshing') {
      if (this.session !== null && this.options.autoRefresh) this.timer.postponeUntil(message.until, this.session);
      return;
    }
    if (message.session.obtainedAt <= (this.session?.obtainedAt ?? -Infinity)) return;
    this.setSession(message.session);
    this.emit(message.reason, true);
  }

  private emit(reason: AuthChangeReason, fromOtherTab: boolean): void {
    const change: AuthChange = {
      signedIn: this.session !== null,
      reason,
      fromOtherTab,
      accessExpiresAt: this.session?.accessExpiresAt ?? null,
    };
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // One listener's bug must not stop the others, nor the client.
      }
    }
  }

  private csrfToken(): string | null {
    return this.session?.csrfToken ?? readCookie(this.options.csrfCookieName) ?? this.fetchedCsrf;
  }

  /**
   * Cookie mode: the CSRF token an unsafe request must echo. After a page reload a page on
   * another origin has none (it cannot read the API's `csrftoken` cookie, and the token came in a
   * response header it no longer has), so it asks `GET routes.csrf` once, before its first unsafe
   * request; the server answers from the HttpOnly cookies. `null` in bearer mode, or when the
   * server knows no session (the request then gets its own answer).
   */
  private async ensureCsrfToken(): Promise<string | null> {
    if (this.mode !== 'cookie') return null;
    const known = this.csrfToken();
    if (known !== null) return known;
    this.csrfInFlight ??= this.fetchCsrfToken().finally(() => (this.csrfInFlight = undefined));
    return this.csrfInFlight;
  }

  private async fetchCsrfToken(): Promise<string | null> {
    const { response, body } = await this.reach(() => this.api.call('GET', this.options.routes.csrf, undefined));
    if (!response.ok) return null;
    const fromBody = typeof body === 'object' && body !== null ? (body as { csrftoken?: unknown }).csrftoken : undefined;
    const token = csrfTokenFrom(response, this.options.csrfHeaderName) ?? (typeof fromBody === 'string' ? fromBody : null);
    this.fetchedCsrf = token;
    if (token !== null && this.session !== null && this.session.csrfToken === null) this.setSession({ ...this.session, csrfToken: token });
    return token;
  }

  /** Runs an API call, turning "no answer" into a `TesseraNetworkError`. */
  private async reach(call: () => Promise<ApiAnswer>): Promise<ApiAnswer> {
    try {
      return await call();
    } catch (error) {
      throw new TesseraNetworkError('no answer from the server', null, { cause: error });
    }
  }
}

/**
 * A client for a Tessera (or simplejwt) API.
 *
 * @example Bearer tokens, kept in memory (the default), shared with the page's other tabs:
 * ```ts
 * import { createTesseraClient } from 'tessera/client';
 *
 * const auth = createTesseraClient({ baseUrl: 'https://api.example.com' });
 * await auth.login({ username: 'alice', password: 'correct-horse-77' });
 * const answer = await auth.fetch('/protected/');   // Authorization added; refreshed when due
 * auth.onAuthChange(({ signedIn }) => render(signedIn));
 * await auth.logout();
 * ```
 *
 * @example HttpOnly cookies (the server runs with JWT_AUTH_COOKIE set); no token is visible to scripts:
 * ```ts
 * const auth = createTesseraClient({ baseUrl: '', mode: 'cookie', storage: localStorage });
 * if (!(await auth.restore())) await auth.login({ username, password });
 * await auth.fetch('/api/orders/', { method: 'POST', body: JSON.stringify(order) });   // X-CSRFToken added
 * ```
 */
export function createTesseraClient(options: TesseraClientOptions): TesseraClient {
  return new Client(resolveOptions(options));
}
