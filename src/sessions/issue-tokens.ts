/**
 * Minting tokens at login: simplejwt's `RefreshToken.for_user` / `SlidingToken.for_user`, plus
 * the outstanding-token record, and a new family (session) id that rotation will carry on.
 */
import { randomUUID } from 'node:crypto';
import type { IssueDependencies } from './session-dependencies.js';
import type { SessionClaimSettings } from './session-claim.js';
import type { Claims, TokenType } from '../tokens/token-codec.js';
import { userIdClaim } from '../users/user-from-claim.js';
import { requestUserOf, type RequestUser } from '../model/request-user.js';

/** A new token of `type` for `user`, with the user's custom claims after simplejwt's own. */
async function tokenForUser(context: IssueDependencies, type: TokenType, user: RequestUser, nowMs: number): Promise<Claims> {
  const claims = context.codec.create(type, userIdClaim(user, context.settings), nowMs);
  // Only users who had a cut-off carry a version: everyone else's tokens are simplejwt's exactly.
  const version = user.tokenVersion ?? 0;
  if (version > 0) claims[context.settings.TOKEN_VERSION_CLAIM] = version;
  return addCustomClaims(context, claims, user);
}

/** The `customClaims` hook's claims for `user`, added after Tessera's own. */
async function addCustomClaims(context: IssueDependencies, claims: Claims, user: RequestUser): Promise<Claims> {
  if (context.hooks.customClaims === undefined) return claims;
  for (const [name, value] of Object.entries(await context.hooks.customClaims(requestUserOf(user)))) {
    // The claims Tessera checks are not the hook's to change: a token must mean what it says.
    if (name in claims || name === context.settings.TOKEN_VERSION_CLAIM || name === context.settings.TOKEN_SESSION_CLAIM)
      throw new TypeError(`customClaims may not set the reserved claim '${name}'`);
    claims[name] = value;
  }
  return claims;
}

/**
 * CLAIMS_ON_REFRESH = `recompute`: the token keeps Tessera's own claims (type, times, jti, user
 * id, version, audience, issuer) and the hook's claims are computed again for the user as they
 * are now, so a role removed since login is gone from the next access token. simplejwt copies
 * the refresh token's claims instead (`copy`, the default), freezing them for its lifetime.
 */
export async function withRecomputedClaims(context: IssueDependencies, token: Claims, user: RequestUser | undefined): Promise<Claims> {
  if (context.settings.CLAIMS_ON_REFRESH !== 'recompute' || user === undefined) return token;
  const { settings } = context;
  const own = new Set<string>([
    ...Object.keys(context.codec.create('refresh', user.id, 0)),
    settings.USER_ID_CLAIM,
    settings.TOKEN_VERSION_CLAIM,
    settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM,
    ...(settings.TOKEN_SESSION_CLAIM === null ? [] : [settings.TOKEN_SESSION_CLAIM]),
  ]);
  const kept: Claims = {};
  for (const [name, value] of Object.entries(token)) if (own.has(name)) kept[name] = value;
  return addCustomClaims(context, kept, user);
}

/**
 * TOKEN_SESSION_CLAIM: the access token names its session (the refresh family), so logging that
 * session out refuses it at once (issue 15). Off by default: simplejwt's tokens have no such claim.
 */
export function withSessionClaim(
  context: { readonly settings: SessionClaimSettings },
  access: Claims,
  familyId: string | null | undefined,
): Claims {
  const name = context.settings.TOKEN_SESSION_CLAIM;
  if (name !== null && typeof familyId === 'string') access[name] = familyId;
  return access;
}

/** Records a refresh or sliding token as outstanding, starting a new family (a session); returns the family id. */
async function recordNewSession(context: IssueDependencies, claims: Claims, user: RequestUser, nowMs: number): Promise<string> {
  const familyId = randomUUID();
  await context.store.startFamily({ id: familyId, userId: user.id, createdAt: new Date(nowMs) });
  await context.store.recordOutstanding({
    jti: context.codec.jti(claims) ?? '',
    userId: user.id,
    familyId,
    createdAt: new Date(nowMs),
    expiresAt: context.codec.expiresAt(claims),
  });
  return familyId;
}

/** `{"refresh": ..., "access": ...}`, in simplejwt's key order. */
export async function issuePair(context: IssueDependencies, user: RequestUser): Promise<{ refresh: string; access: string }> {
  const nowMs = context.codec.now();
  const refresh = await tokenForUser(context, 'refresh', user, nowMs);
  const familyId = await recordNewSession(context, refresh, user, nowMs);
  const access = withSessionClaim(context, context.codec.accessFor(refresh, nowMs), familyId);
  return { refresh: context.codec.encode(refresh), access: context.codec.encode(access) };
}

/** `{"token": ...}`: a sliding token. */
export async function issueSliding(context: IssueDependencies, user: RequestUser): Promise<{ token: string }> {
  const nowMs = context.codec.now();
  const sliding = await tokenForUser(context, 'sliding', user, nowMs);
  await recordNewSession(context, sliding, user, nowMs);
  return { token: context.codec.encode(sliding) };
}
