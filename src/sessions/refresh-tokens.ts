/**
 * Trading a refresh token for a new access token (and, with rotation, a new refresh token), and
 * refreshing sliding tokens.
 *
 * Differences from simplejwt 5.2.2, on purpose (docs/compatibility.md):
 * - the user must still exist and pass the login rule (inactive users get nothing; 5.2.2 does
 *   not look);
 * - rotation with blacklisting is one atomic database step, so of N concurrent refreshes of one
 *   token exactly one wins (simplejwt checks, then blacklists: #985);
 * - the rotated refresh token is recorded as outstanding (5.2.2 forgets it: #25, #363).
 */
import type { TesseraContext } from '../context.js';
import { TesseraError, TokenError } from '../errors.js';
import { TOKEN_MESSAGES, type Claims } from '../tokens/token-codec.js';
import { findUserByClaim } from '../users/user-from-claim.js';
import type { User } from '../users/user.js';
import { assertNotBlacklisted } from './blacklist-check.js';

/** Reads a refresh (or sliding) token as simplejwt's `RefreshToken(token)` does, blacklist included. */
export async function readBlacklistableToken(context: TesseraContext, raw: string, type: 'refresh' | 'sliding', nowMs: number): Promise<Claims> {
  const claims = context.codec.verifySignature(raw, nowMs);
  await assertNotBlacklisted(context, claims);
  context.codec.checkClaims(claims, type, nowMs);
  return claims;
}

/** The token's user, if the token names one; refuses a named user who is gone or may not log in. */
async function activeUserOf(context: TesseraContext, claims: Claims): Promise<User | undefined> {
  const { settings, store } = context;
  if (!(settings.USER_ID_CLAIM in claims)) return undefined;
  const user = await findUserByClaim(store, settings, claims[settings.USER_ID_CLAIM]);
  const allowed = user !== undefined && (settings.CHECK_USER_IS_ACTIVE ? settings.USER_AUTHENTICATION_RULE(user) : true);
  if (!allowed) throw TesseraError.of('no_active_account_for_token');
  return user;
}

export async function refreshPair(context: TesseraContext, raw: string): Promise<{ access: string; refresh?: string }> {
  const { codec, settings, store } = context;
  const nowMs = codec.now();
  const refresh = await readBlacklistableToken(context, raw, 'refresh', nowMs);
  const user = await activeUserOf(context, refresh);
  const access = codec.encode(codec.accessFor(refresh, nowMs));
  if (!settings.ROTATE_REFRESH_TOKENS) return { access };

  const next = codec.rotated(refresh, nowMs);
  const old = { jti: codec.jti(refresh) ?? '', userId: user?.id ?? null, familyId: null, createdAt: null, expiresAt: codec.expiresAt(refresh) };
  const recordedNext = { jti: codec.jti(next) ?? '', userId: user?.id ?? null, familyId: null, createdAt: new Date(nowMs), expiresAt: codec.expiresAt(next) };
  if (settings.BLACKLIST_AFTER_ROTATION) {
    // Losing the race means another request rotated (or logged out) this token a moment ago.
    if (!(await store.rotate(old, recordedNext))) throw new TokenError(TOKEN_MESSAGES.blacklisted);
  } else {
    await store.recordOutstanding(recordedNext);
  }
  return { access, refresh: codec.encode(next) };
}

export async function refreshSliding(context: TesseraContext, raw: string): Promise<{ token: string }> {
  const { codec, settings } = context;
  const nowMs = codec.now();
  const sliding = await readBlacklistableToken(context, raw, 'sliding', nowMs);
  await activeUserOf(context, sliding);
  codec.checkExp(sliding, settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM, nowMs);
  return { token: codec.encode(codec.slid(sliding, nowMs)) };
}
