/**
 * The session claim's check (TOKEN_SESSION_CLAIM, issue 15): an access token naming a session
 * (refresh family) that was logged out or revoked is refused. The answer comes from the
 * per-process cache of revoked sessions (`stores/revoked-session-cache.ts`), which every
 * revocation updates in this process at once and in the others through the invalidation bus.
 */
import type { CachedStore } from '../stores/user-cache.js';
import type { Claims } from '../tokens/token-codec.js';

/** The one setting the check reads: which claim names the session (`null`: none). */
export interface SessionClaimSettings {
  readonly TOKEN_SESSION_CLAIM: string | null;
}

/** The setting, and the store's cache of revoked sessions. `TesseraContext` satisfies it. */
export interface SessionClaimDependencies {
  readonly settings: SessionClaimSettings;
  readonly store: Pick<CachedStore, 'isSessionRevoked'>;
}

/** Whether `claims` name a revoked session. Tokens without the claim (or with the setting off) never are. */
export async function namesRevokedSession(context: SessionClaimDependencies, claims: Claims): Promise<boolean> {
  const name = context.settings.TOKEN_SESSION_CLAIM;
  if (name === null) return false;
  const sid = claims[name];
  return typeof sid === 'string' && (await context.store.isSessionRevoked(sid));
}
