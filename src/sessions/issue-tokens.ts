/**
 * Minting tokens at login: simplejwt's `RefreshToken.for_user` / `SlidingToken.for_user`, plus
 * the outstanding-token record, and a new family (session) id that rotation will carry on.
 */
import { randomUUID } from 'node:crypto';
import type { TesseraContext } from '../http/context.js';
import type { Claims, TokenType } from '../tokens/token-codec.js';
import { userIdClaim } from '../users/user-from-claim.js';
import { requestUserOf, type RequestUser } from '../model/request-user.js';

/** A new token of `type` for `user`, with the user's custom claims after simplejwt's own. */
async function tokenForUser(context: TesseraContext, type: TokenType, user: RequestUser, nowMs: number): Promise<Claims> {
  const claims = context.codec.create(type, userIdClaim(user, context.settings), nowMs);
  if (context.hooks.customClaims === undefined) return claims;
  for (const [name, value] of Object.entries(await context.hooks.customClaims(requestUserOf(user)))) {
    // The claims Tessera checks are not the hook's to change: a token must mean what it says.
    if (name in claims) throw new TypeError(`customClaims may not set the reserved claim '${name}'`);
    claims[name] = value;
  }
  return claims;
}

/** Records a refresh or sliding token as outstanding, starting a new family (a session). */
async function recordNewSession(context: TesseraContext, claims: Claims, user: RequestUser, nowMs: number): Promise<void> {
  const familyId = randomUUID();
  await context.store.startFamily({ id: familyId, userId: user.id, createdAt: new Date(nowMs) });
  await context.store.recordOutstanding({
    jti: context.codec.jti(claims) ?? '',
    userId: user.id,
    familyId,
    createdAt: new Date(nowMs),
    expiresAt: context.codec.expiresAt(claims),
  });
}

/** `{"refresh": ..., "access": ...}`, in simplejwt's key order. */
export async function issuePair(context: TesseraContext, user: RequestUser): Promise<{ refresh: string; access: string }> {
  const nowMs = context.codec.now();
  const refresh = await tokenForUser(context, 'refresh', user, nowMs);
  await recordNewSession(context, refresh, user, nowMs);
  return { refresh: context.codec.encode(refresh), access: context.codec.encode(context.codec.accessFor(refresh, nowMs)) };
}

/** `{"token": ...}`: a sliding token. */
export async function issueSliding(context: TesseraContext, user: RequestUser): Promise<{ token: string }> {
  const nowMs = context.codec.now();
  const sliding = await tokenForUser(context, 'sliding', user, nowMs);
  await recordNewSession(context, sliding, user, nowMs);
  return { token: context.codec.encode(sliding) };
}
