/**
 * "End every session of this user": the one place that decides what revoking all of a user's
 * sessions means. Log out everywhere, a password change and a password reset all come here, so
 * a stronger revocation (a per-user cut-off that also refuses access tokens already issued,
 * issue 15) is added once, for all of them.
 *
 * It cuts off every token already issued to the user (`users/token-cutoff.ts`: access tokens
 * too, at once, on every route that looks the user up, on every instance through the user
 * cache's invalidation), blacklists every live refresh and sliding token and revokes their
 * families (simplejwt #59: sessions that survive a password change), and signs the user out of
 * the admin console. Services that verify tokens themselves, without the database, still accept
 * an access token until it expires (at most ACCESS_TOKEN_LIFETIME): docs/revocation.md.
 */
import type { EndSessionsDependencies } from './session-dependencies.js';
import type { RequestUser } from '../model/request-user.js';
import type { Store } from '../model/store.js';
import { issuePair } from './issue-tokens.js';

export interface EndSessionsOptions {
  /**
   * Mint a fresh pair for the caller once the old sessions are gone (after a password change,
   * the caller stays signed in on this device only). The pair is issued after the revocation,
   * so it is never caught by it.
   */
  readonly issueNewPair?: boolean;
  /** An admin-console sign-in to keep (its cookie's hash): the browser that made the change. */
  readonly keepAdminSession?: string;
}

export interface EndedSessions {
  /** Refresh and sliding tokens blacklisted. */
  readonly revokedTokens: number;
  /** The caller's new pair, when `issueNewPair` was asked. */
  readonly pair?: { refresh: string; access: string };
}

/**
 * @example
 * ```ts
 * const { pair } = await endEverySession(context, user, { issueNewPair: true });
 * ```
 */
export async function endEverySession(
  context: EndSessionsDependencies,
  user: RequestUser,
  options: EndSessionsOptions = {},
): Promise<EndedSessions> {
  const now = new Date(context.codec.now());
  const { tokenVersion, revokedTokens } = await endSessionsInStore(context.store, user.id, now, options.keepAdminSession);
  if (!options.issueNewPair) return { revokedTokens };
  // Minted after the cut-off with the new version: the same second as the cut-off is fine.
  return { revokedTokens, pair: await issuePair(context, { ...user, tokenVersion }) };
}

/**
 * The store's part of {@link endEverySession}, for callers without a context (`tessera
 * changepassword`): cut-off, blacklist, console sign-ins. Returns the new token version and how
 * many refresh and sliding tokens were blacklisted.
 */
export async function endSessionsInStore(
  store: Pick<Store, 'cutOffTokens' | 'blacklistAllForUser' | 'consoleSignIns'>,
  userId: number,
  now: Date,
  keepAdminSession?: string,
): Promise<{ tokenVersion: number; revokedTokens: number }> {
  const tokenVersion = await store.cutOffTokens(userId, now);
  const revokedTokens = await store.blacklistAllForUser(userId, now);
  await store.consoleSignIns?.deleteSignInsOfUser(userId, keepAdminSession);
  return { tokenVersion, revokedTokens };
}
