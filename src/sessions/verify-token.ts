/**
 * `POST /api/token/verify/`: is this token (of any kind) valid and not blacklisted?
 */
import { TesseraError, TOKEN_MESSAGES } from '../errors.js';
import { isAccessToken } from '../tokens/verified-token-cache.js';
import { isTokenBlacklisted } from './blacklist-check.js';
import type { TesseraContext } from '../http/context.js';

/**
 * simplejwt's `UntypedToken` check (any type), then the blacklist. simplejwt consults the
 * blacklist here only when BLACKLIST_AFTER_ROTATION is on (#786); Tessera always does: a
 * blacklisted token never verifies. The answer keeps simplejwt's shape for it (a 400).
 */
export async function verifyToken(context: TesseraContext, raw: string): Promise<Record<string, never>> {
  const { codec, settings } = context;
  const nowMs = codec.now();
  const cache = context.verifiedTokens;
  if (cache.get(raw, codec.key, nowMs / 1000, settings.LEEWAY) !== undefined) return {};
  const claims = codec.decode(raw, 'untyped', nowMs);
  // Only refresh and sliding tokens are ever blacklisted: an access token needs no query.
  if (isAccessToken(settings.TOKEN_TYPE_CLAIM, claims)) {
    cache.set(raw, codec.key, claims);
    return {};
  }
  if (await isTokenBlacklisted(context, claims)) throw TesseraError.nonField(TOKEN_MESSAGES.blacklisted);
  return {};
}
