/**
 * `POST /api/token/verify/`: is this token (of any kind) valid and not blacklisted?
 */
import { TesseraError, TokenError, TOKEN_MESSAGES } from '../errors.js';
import { isAccessToken } from '../tokens/verified-token-cache.js';
import { isTokenBlacklisted } from './blacklist-check.js';
import type { VerifyDependencies } from './session-dependencies.js';
import type { Claims } from '../tokens/token-codec.js';
import { findUserByClaim } from '../users/user-from-claim.js';
import { isCutOff } from '../users/token-cutoff.js';
import { namesRevokedSession } from './session-claim.js';

/**
 * simplejwt's `UntypedToken` check (any type), then the blacklist. simplejwt consults the
 * blacklist here only when BLACKLIST_AFTER_ROTATION is on (#786); Tessera always does: a
 * blacklisted token never verifies. The answer keeps simplejwt's shape for it (a 400).
 */
export async function verifyToken(context: VerifyDependencies, raw: string): Promise<Record<string, never>> {
  const { codec, settings } = context;
  const nowMs = codec.now();
  const cache = context.verifiedTokens;
  const cached = cache.get(raw, codec.key, nowMs / 1000, settings.LEEWAY);
  if (cached !== undefined) {
    await assertNotRevoked(context, cached);
    return {};
  }
  const claims = codec.decode(raw, 'untyped', nowMs);
  // Only refresh and sliding tokens are ever blacklisted: an access token needs no query.
  if (isAccessToken(settings.TOKEN_TYPE_CLAIM, claims)) {
    cache.set(raw, codec.key, claims);
    await assertNotRevoked(context, claims);
    return {};
  }
  if (await isTokenBlacklisted(context, claims)) throw TesseraError.nonField(TOKEN_MESSAGES.blacklisted);
  await assertNotRevoked(context, claims);
  return {};
}

/**
 * Refuses a token minted before its user's last cut-off (issue 15), or naming a revoked session
 * (TOKEN_SESSION_CLAIM). The user comes from the per-process cache, which every cut-off
 * invalidates in every process; a token naming no user of this server (minted elsewhere)
 * verifies as in simplejwt, which never looks the user up.
 */
async function assertNotRevoked(context: VerifyDependencies, claims: Claims): Promise<void> {
  const { settings, store } = context;
  if (settings.USER_ID_CLAIM in claims) {
    const find: typeof store.findUser = (field, value) => store.findCachedUser(field, value);
    const user = await findUserByClaim(store, settings, claims[settings.USER_ID_CLAIM], find);
    if (user !== undefined && isCutOff(settings, claims, user)) throw new TokenError('cut_off');
  }
  if (await namesRevokedSession(context, claims)) throw new TokenError('session_revoked');
}
