/**
 * `POST /api/token/verify/` and `POST /api/token/blacklist/`.
 */
import type { TesseraContext } from '../http/context.js';
import { TesseraError, TOKEN_MESSAGES, TokenError } from '../errors.js';
import { userRefOf, type RequestOrigin } from '../model/auth-events.js';
import type { User } from '../model/user.js';
import { findUserByClaim } from '../users/user-from-claim.js';
import type { RequestUser } from '../model/request-user.js';
import { isAccessToken, verifiedTokenCacheOf } from '../tokens/verified-token-cache.js';
import { isTokenBlacklisted } from './blacklist-check.js';
import { endEverySession } from './end-every-session.js';
import { readBlacklistableToken } from './refresh-tokens.js';

/**
 * simplejwt's `UntypedToken` check (any type), then the blacklist. simplejwt consults the
 * blacklist here only when BLACKLIST_AFTER_ROTATION is on (#786); Tessera always does: a
 * blacklisted token never verifies. The answer keeps simplejwt's shape for it (a 400).
 */
export async function verifyToken(context: TesseraContext, raw: string): Promise<Record<string, never>> {
  const { codec, settings } = context;
  const nowMs = codec.now();
  const cache = verifiedTokenCacheOf(context);
  if (cache.get(raw, codec.key, nowMs / 1000, settings.LEEWAY) !== undefined) return {};
  const claims = codec.decode(raw, 'untyped', nowMs);
  // Only refresh and sliding tokens are ever blacklisted: an access token needs no query.
  if (isAccessToken(context, claims)) {
    cache.set(raw, codec.key, claims);
    return {};
  }
  if (await isTokenBlacklisted(context, claims)) throw TesseraError.nonField(TOKEN_MESSAGES.blacklisted);
  return {};
}

/** Logout: blacklists a refresh token. Like simplejwt, holding the token is the authority (#713). */
export async function blacklistToken(context: TesseraContext, raw: string, origin?: RequestOrigin): Promise<Record<string, never>> {
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
  });
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
