/** The public types of `tessera/client`: what `createTesseraClient` returns and reports. */
import type { AuthMode } from './options.js';

/** Why the auth state changed. `refresh-refused`: the server refused the refresh token (revoked, expired, replayed). */
export type AuthChangeReason = 'signed-in' | 'refreshed' | 'signed-out' | 'refresh-refused';

export interface AuthChange {
  readonly signedIn: boolean;
  readonly reason: AuthChangeReason;
  /** The change was made by another tab and shared over the tab channel. */
  readonly fromOtherTab: boolean;
  /** When the access token expires (ms since the epoch, local clock), while signed in. */
  readonly accessExpiresAt: number | null;
}

/** Login fields: the server's USERNAME_FIELD (e.g. `username` or `email`) and `password`. */
export type Credentials = { readonly password: string } & Readonly<Record<string, string>>;

export interface TesseraClient {
  readonly mode: AuthMode;
  /** Whether this tab holds a session (cookie mode: as far as the client knows; see `restore`). */
  readonly signedIn: boolean;
  /** Obtains a pair. Throws `TesseraClientError` (401 bad credentials, 400 field errors, 429). */
  login(credentials: Credentials): Promise<void>;
  /** Blacklists the refresh token (cookie mode: the server also clears the cookies); every tab signs out. */
  logout(): Promise<void>;
  /** Ends every session of the user, on every device; every tab here signs out. */
  logoutAll(): Promise<void>;
  /** Creates an account (201). Throws `TesseraClientError` with the server's field errors. */
  register(fields: Readonly<Record<string, string>>): Promise<void>;
  /** `fetch` with the session's credentials (API origin only); a 401 refreshes and retries once. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Refreshes now, joining a refresh in flight. With `ifVersion` (a `version` read before a call
   * that got 401), refreshes only if the session is still that one: a call that comes back late
   * does not refresh a session another call already renewed. True when signed in afterwards;
   * network errors reject (the session is kept and retried with back-off).
   */
  refresh(options?: { readonly ifVersion?: number | null }): Promise<boolean>;
  /** Identifies the current session state (it changes on every refresh); `null` when signed out. */
  readonly version: number | null;
  /** Whether `url` is on the API's origin: the only origin that ever gets this client's credentials. */
  ownsUrl(url: string): boolean;
  /** Picks up a session after a page load: cookie mode asks the server (a refresh), bearer mode reads storage. */
  restore(): Promise<boolean>;
  /** The headers a request needs (Authorization, or X-CSRFToken for unsafe methods in cookie mode), refreshed first if due. */
  authHeaders(method?: string): Promise<Record<string, string>>;
  /** Calls `listener` on sign-in, refresh and sign-out, in this tab or another; returns the unsubscribe. */
  onAuthChange(listener: (change: AuthChange) => void): () => void;
  /** Stops timers and leaves the tab channel (a React effect's cleanup, the end of a script). */
  close(): void;
}
