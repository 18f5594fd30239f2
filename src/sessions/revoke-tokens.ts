/**
 * Revoking refresh tokens: `POST /api/token/blacklist/` (logout) and logging out everywhere.
 */
import type { TesseraContext } from '../http/context.js';
import { TokenError } from '../errors.js';
import { userRefOf, type RequestOrigin } from '../model/auth-events.js';
import type { RequestUser } from '../model/request-user.js';
import { findUserByClaim } from '../users/user-from-claim.js';
import { endEverySession } from './end-every-session.js';
import { readBlacklistableToken } from './refresh-tokens.js';

/** Logout: blacklists a refresh token. Like simplejwt, holding the token is the authority (#713). */
export async function blacklistToken(context: TesseraContext, raw: string, origin?: RequestOrigin): Promise<Record<string, never>> {
  const { codec, settings, store } = context;
  const nowMs = codec.now();
  const refresh = await readBlacklistableToken(context, raw, 'refresh', nowMs);
  const user = settings.USER_ID_CLAIM in refresh ? await findUserByClaim(store, settings, refresh[settings.USER_ID_CLAIM]) : undefined;
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
  await context.events.emit({ action: 'logout', user: userRefOf(user), subject: codec.jti(refresh), origin });
  return {};
}

/** Log out everywhere: ends every session of the user (`endEverySession`), and audits it. */
export async function logoutEverywhere(context: TesseraContext, user: RequestUser, origin?: RequestOrigin): Promise<Record<string, never>> {
  const { revokedTokens } = await endEverySession(context, user);
  await context.events.emit({ action: 'logout_all', user: userRefOf(user), detail: { revoked_tokens: revokedTokens }, origin });
  return {};
}
