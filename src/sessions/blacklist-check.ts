/**
 * The blacklist check of refresh and sliding tokens, placed where simplejwt runs it: after the
 * signature and registered claims, before its own exp/jti/type checks. A token without a `jti`
 * skips it (simplejwt crashes there with a 500, §10.1) and then fails "Token has no id".
 */
import type { TokenStore } from '../model/store.js';
import { TokenError } from '../errors.js';
import type { Claims } from '../tokens/token-codec.js';

/** What the check reads: the jti claim's name and the blacklist. */
export interface BlacklistCheckContext {
  readonly settings: { readonly JTI_CLAIM: string };
  readonly store: Pick<TokenStore, 'isBlacklisted'>;
}

export async function isTokenBlacklisted(context: BlacklistCheckContext, claims: Claims): Promise<boolean> {
  const jti = claims[context.settings.JTI_CLAIM];
  if (jti === undefined) return false;
  if (typeof jti !== 'string') throw new TokenError('bad_claim');
  return context.store.isBlacklisted(jti);
}

export async function assertNotBlacklisted(context: BlacklistCheckContext, claims: Claims): Promise<void> {
  if (await isTokenBlacklisted(context, claims)) throw new TokenError('blacklisted');
}
