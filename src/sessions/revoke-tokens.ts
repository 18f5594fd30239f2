/**
 * Revoking refresh tokens: `POST /api/token/blacklist/` (logout) and logging out everywhere.
 */
import { TokenError } from '../errors.js';
import { findUserByClaim } from '../users/user-from-claim.js';
import { readBlacklistableToken } from './refresh-tokens.js';
import type { SessionContext } from './session-context.js';

/** Logout: blacklists a refresh token. Like simplejwt, holding the token is the authority (#713). */
export async function blacklistToken(context: SessionContext, raw: string): Promise<Record<string, never>> {
  const { codec, settings, store } = context;
  const nowMs = codec.now();
  const refresh = await readBlacklistableToken(context, raw, 'refresh', nowMs);
  const user = settings.USER_ID_CLAIM in refresh ? await findUserByClaim(store, settings, refresh[settings.USER_ID_CLAIM]) : undefined;
  const blacklisted = await store.blacklist({
    jti: codec.jti(refresh) ?? '',
    userId: user?.id ?? null,
    familyId: null,
    createdAt: null,
    expiresAt: codec.expiresAt(refresh),
  }, new Date(nowMs));
  // A concurrent logout of the same token got there first: answer as simplejwt does for a repeat.
  if (!blacklisted) throw new TokenError('blacklisted');
  return {};
}

/**
 * Log out everywhere: blacklists every live refresh/sliding token of the user and revokes their
 * families. Access tokens already issued stay valid until they expire (at most
 * ACCESS_TOKEN_LIFETIME), as with any logout of stateless tokens.
 */
export async function logoutEverywhere(context: SessionContext, userId: number): Promise<Record<string, never>> {
  await context.store.blacklistAllForUser(userId, new Date(context.codec.now()));
  return {};
}
