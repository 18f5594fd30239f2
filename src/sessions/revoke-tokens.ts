/**
 * Revoking refresh tokens: `POST /api/token/blacklist/` (logout) and logging out everywhere.
 */
import type { EndSessionsDependencies, LogoutDependencies } from './session-dependencies.js';
import { TokenError } from '../errors.js';
import { userRefOf, type RequestOrigin } from '../model/auth-events.js';
import type { RequestUser } from '../model/request-user.js';
import { findUserByClaim } from '../users/user-from-claim.js';
import { isCutOff } from '../users/token-cutoff.js';
import { endEverySession } from './end-every-session.js';
import { readBlacklistableToken } from './refresh-tokens.js';

/** Logout: blacklists a refresh token. Like simplejwt, holding the token is the authority (#713). */
export async function blacklistToken(context: LogoutDependencies, raw: string, origin?: RequestOrigin): Promise<Record<string, never>> {
  const { codec, settings, store } = context;
  const nowMs = codec.now();
  const refresh = await readBlacklistableToken(context, raw, 'refresh', nowMs);
  const user = settings.USER_ID_CLAIM in refresh ? await findUserByClaim(store, settings, refresh[settings.USER_ID_CLAIM]) : undefined;
  // Already cut off: nothing left to log out of, and the token is no longer the user's to use.
  if (user !== undefined && isCutOff(settings, refresh, user)) throw new TokenError('cut_off');
  const blacklisted = await store.blacklist(
    {
      jti: codec.jti(refresh) ?? '',
      userId: user?.id ?? null,
      familyId: null,
      createdAt: null,
      expiresAt: codec.expiresAt(refresh),
    },
    new Date(nowMs),
  );
  // A concurrent logout of the same token got there first: answer as simplejwt does for a repeat.
  if (!blacklisted) throw new TokenError('blacklisted');
  await endSession(context, codec.jti(refresh), nowMs);
  await context.events.emit({ action: 'logout', user: userRefOf(user), subject: codec.jti(refresh), origin });
  return {};
}

/**
 * With TOKEN_SESSION_CLAIM, logging out ends the whole session: its family is revoked, so its
 * access tokens (which name it) are refused at once, everywhere the revocation reaches
 * (docs/revocation.md), and no other token of it refreshes. Without the claim, simplejwt's
 * logout: that one refresh token only.
 */
async function endSession(context: LogoutDependencies, jti: string | undefined, nowMs: number): Promise<void> {
  if (context.settings.TOKEN_SESSION_CLAIM === null || jti === undefined) return;
  const familyId = (await context.store.findTokenState(jti))?.familyId;
  if (familyId != null) await context.store.revokeFamily(familyId, new Date(nowMs), 'logout');
}

/** Log out everywhere: ends every session of the user (`endEverySession`), and audits it. */
export async function logoutEverywhere(
  context: EndSessionsDependencies & Pick<LogoutDependencies, 'events'>,
  user: RequestUser,
  origin?: RequestOrigin,
): Promise<Record<string, never>> {
  const { revokedTokens } = await endEverySession(context, user);
  await context.events.emit({ action: 'logout_all', user: userRefOf(user), detail: { revoked_tokens: revokedTokens }, origin });
  return {};
}
