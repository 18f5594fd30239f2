/**
 * Trading a refresh token for a new access token (and, with rotation, a new refresh token), and
 * refreshing sliding tokens.
 *
 * Differences from simplejwt 5.2.2, on purpose (docs/compatibility.md):
 * - the user must still exist and pass the login rule (inactive users get nothing; 5.2.2 does
 *   not look);
 * - rotation with blacklisting is one atomic database step, so of N concurrent refreshes of one
 *   token exactly one wins (simplejwt checks, then blacklists: #985);
 * - rotated refresh tokens stay in their family (the login session). Replaying a token that was
 *   already rotated is a theft signal (RFC 9700 §4.14.2) and revokes the whole family, unless
 *   it comes within REFRESH_TOKEN_REUSE_GRACE of the rotation, when it is taken as a client
 *   retry; SESSION_LIFETIME caps how long rotation can keep a family alive.
 */
import { randomUUID } from 'node:crypto';
import type { RefreshDependencies } from './session-dependencies.js';
import { TesseraError, TokenError } from '../errors.js';
import type { OutstandingToken, TokenState } from '../model/store.js';
import { userRefOf, type RequestOrigin } from '../model/auth-events.js';
import type { Claims } from '../tokens/token-codec.js';
import { findUserByClaim, userLookupOf } from '../users/user-from-claim.js';
import { isCutOff } from '../users/token-cutoff.js';
import { withRecomputedClaims, withSessionClaim } from './issue-tokens.js';
import type { User } from '../model/user.js';
import { assertNotBlacklisted } from './blacklist-check.js';

/** Metrics-only events of successful refreshes, shared objects (nothing allocated per refresh). */
const REFRESH_ISSUED = Object.freeze({ action: 'refresh.issued' });
const ROTATED = Object.freeze({ action: 'refresh.rotated', detail: Object.freeze({ blacklisted: false }) });
const ROTATED_AND_BLACKLISTED = Object.freeze({ action: 'refresh.rotated', detail: Object.freeze({ blacklisted: true }) });
const GRACE_REPLAY = Object.freeze({ action: 'refresh.grace_replay' });

/** Reads a refresh (or sliding) token as simplejwt's `RefreshToken(token)` does, blacklist included. */
export async function readBlacklistableToken(
  context: RefreshDependencies,
  raw: string,
  type: 'refresh' | 'sliding',
  nowMs: number,
): Promise<Claims> {
  const claims = context.codec.verifySignature(raw, nowMs);
  await assertNotBlacklisted(context, claims);
  context.codec.checkClaims(claims, type, nowMs);
  return claims;
}

/** A user already read with the token's state (`readTokenAndUser`); absent: read it now. */
interface UserRead {
  readonly user: User | undefined;
}

/**
 * The token's user, if the token names one; refuses a named user who is gone or may not log in.
 * `read` is that user as just read from the database with the token's state, when it was.
 */
async function activeUserOf(context: RefreshDependencies, claims: Claims, read?: UserRead): Promise<User | undefined> {
  const { settings, store } = context;
  if (!(settings.USER_ID_CLAIM in claims)) return undefined;
  const user = read === undefined ? await findUserByClaim(store, settings, claims[settings.USER_ID_CLAIM]) : read.user;
  const allowed = user !== undefined && (settings.CHECK_USER_IS_ACTIVE ? settings.USER_AUTHENTICATION_RULE(user) : true);
  if (!allowed) throw TesseraError.of('no_active_account_for_token');
  // Minted before the user's last cut-off (a password change, logout-all, a demotion).
  if (isCutOff(settings, claims, user)) throw new TokenError('cut_off');
  return user;
}

/** The recorded state of the token's jti (a non-string jti is an invalid token). */
async function tokenState(context: RefreshDependencies, claims: Claims): Promise<TokenState | undefined> {
  const jti = claims[context.settings.JTI_CLAIM];
  if (jti === undefined) return undefined;
  if (typeof jti !== 'string') throw new TokenError('bad_claim');
  return context.store.findTokenState(jti);
}

/**
 * The token's recorded state and the user it names, in one database read when the store has
 * `findTokenStateAndUser` (docs/decisions.md D21); otherwise the state alone (the user is read
 * later, by `activeUserOf`). Never from a cache: both are as fresh as the separate reads.
 */
async function readTokenAndUser(context: RefreshDependencies, claims: Claims): Promise<{ state: TokenState | undefined; read?: UserRead }> {
  const { settings, store } = context;
  const jti = claims[settings.JTI_CLAIM];
  const lookup = settings.USER_ID_CLAIM in claims ? userLookupOf(settings, claims[settings.USER_ID_CLAIM]) : undefined;
  if (store.findTokenStateAndUser === undefined || typeof jti !== 'string' || lookup === undefined)
    return { state: await tokenState(context, claims) };
  const { state, user } = await store.findTokenStateAndUser(jti, lookup.field, lookup.value);
  return { state, read: { user } };
}

/** How the refresh token reached the server. */
export interface RefreshOptions {
  /** It came in the refresh cookie (cookie mode), not in the body. */
  readonly fromCookie?: boolean;
}

/**
 * REFRESH_TOKEN_REUSE_GRACE's automatic value for refresh tokens sent in a cookie: the tabs of a
 * browser share one cookie jar, so a request sent just before another tab's rotation landed
 * carries the old token. Five seconds covers a slow network; a body token gets none (simplejwt).
 */
export const COOKIE_REUSE_GRACE_SECONDS = 5;

function reuseGraceSeconds(context: RefreshDependencies, options: RefreshOptions): number {
  return context.settings.REFRESH_TOKEN_REUSE_GRACE ?? (options.fromCookie === true ? COOKIE_REUSE_GRACE_SECONDS : 0);
}

/**
 * A replay of a rotated token within the reuse grace of its rotation: a client that lost the
 * response and retries, or several tabs refreshing at once. Not theft (yet: `replayRotation`
 * also requires the successor to be unused).
 */
function isWithinGrace(grace: number, state: TokenState, nowMs: number): boolean {
  return (
    grace > 0 &&
    state.replacedBy !== null &&
    state.familyRevokedAt === null &&
    state.blacklistedAt !== null &&
    nowMs - state.blacklistedAt.getTime() <= grace * 1000
  );
}

/**
 * Theft: an already-rotated token came back. Everything descending from that login dies, and
 * the audit log says so (once: later replays find the family already revoked).
 */
async function revokeForReuse(
  context: RefreshDependencies,
  state: TokenState,
  nowMs: number,
  origin: RequestOrigin | undefined,
): Promise<never> {
  if (state.familyId !== null && state.familyRevokedAt === null) {
    const revoked = await context.store.revokeFamily(state.familyId, new Date(nowMs), 'reuse_detected');
    const user = state.userId === null ? undefined : await context.store.findUser('id', state.userId);
    await context.events.emit({
      action: 'refresh.reuse_detected',
      user: userRefOf(user),
      subject: state.familyId,
      detail: { revoked_tokens: revoked, replayed_jti: state.jti },
      origin,
    });
  }
  throw new TokenError('reuse_detected');
}

export async function refreshPair(
  context: RefreshDependencies,
  raw: string,
  origin?: RequestOrigin,
  options: RefreshOptions = {},
): Promise<{ access: string; refresh?: string }> {
  const { codec, settings, store } = context;
  const nowMs = codec.now();
  const grace = reuseGraceSeconds(context, options);
  const refresh = codec.verifySignature(raw, nowMs);
  const { state, read } = await readTokenAndUser(context, refresh);
  // A revoked family refuses every member, even one a concurrent rotation added as it was revoked.
  if (state !== undefined && state.familyRevokedAt !== null && state.blacklistedAt === null) throw new TokenError('family_revoked');
  if (state !== undefined && state.blacklistedAt !== null) {
    if (isWithinGrace(grace, state, nowMs)) return replayRotation(context, refresh, state, nowMs, origin);
    if (state.replacedBy !== null) await revokeForReuse(context, state, nowMs, origin);
    throw new TokenError('blacklisted');
  }
  codec.checkClaims(refresh, 'refresh', nowMs);
  const user = await activeUserOf(context, refresh, read);
  const accessFor = async (familyId: string | null | undefined) =>
    codec.encode(withSessionClaim(context, await withRecomputedClaims(context, codec.accessFor(refresh, nowMs), user), familyId));
  if (!settings.ROTATE_REFRESH_TOKENS) {
    void context.events.emit(REFRESH_ISSUED);
    return { access: await accessFor(state?.familyId) };
  }

  const familyId = state?.familyId ?? (await startFamilyFor(context, user, nowMs));
  const access = await accessFor(familyId);
  const next = await withRecomputedClaims(context, codec.rotated(refresh, nowMs), user);
  capToSessionLifetime(context, next, state, nowMs);
  const recordedNext: OutstandingToken = {
    jti: codec.jti(next) ?? '',
    userId: user?.id ?? null,
    familyId,
    createdAt: new Date(nowMs),
    expiresAt: codec.expiresAt(next),
  };
  if (settings.BLACKLIST_AFTER_ROTATION) {
    const old: OutstandingToken = {
      jti: codec.jti(refresh) ?? '',
      userId: user?.id ?? null,
      familyId,
      createdAt: null,
      expiresAt: codec.expiresAt(refresh),
    };
    if (!(await store.rotate(old, recordedNext, new Date(nowMs)))) {
      // Another request rotated (or logged out) this token while this one was in flight: the
      // token was still valid when both started, so they were concurrent, not a replay of a
      // token already spent. The family lives on. Within the grace, the loser gets the winner's
      // successor (in cookie mode: its cookie is set again, never cleared); otherwise a 401.
      const after = await tokenState(context, refresh);
      if (after !== undefined && isWithinGrace(grace, after, nowMs)) return replayRotation(context, refresh, after, nowMs, origin);
      throw new TokenError('concurrent_rotation');
    }
  } else {
    await store.recordOutstanding(recordedNext);
  }
  void context.events.emit(settings.BLACKLIST_AFTER_ROTATION ? ROTATED_AND_BLACKLISTED : ROTATED);
  return { access, refresh: codec.encode(next) };
}

/**
 * A replay within the grace window gets the answer the rotation gave: the same successor token
 * (re-signed from its recorded jti, iat and exp, so byte-identical) and a fresh access token.
 * Every tab and every retry ends up holding one refresh token, and the family does not fork.
 *
 * Only while the successor is unused: once it has been presented (rotated in turn, or logged
 * out), whoever holds it is the session, and the old token coming back is a replay like any
 * other (a simplejwt client that rotates, uses the new token, then replays the old one gets
 * simplejwt's 401, and the family is revoked). A successor presented concurrently with this
 * replay is harmless: the copy handed out here is then spent, and presenting it is a replay.
 */
async function replayRotation(
  context: RefreshDependencies,
  refresh: Claims,
  state: TokenState,
  nowMs: number,
  origin: RequestOrigin | undefined,
): Promise<{ access: string; refresh: string }> {
  const { codec, settings, store } = context;
  const successor = await store.findTokenState(state.replacedBy ?? '');
  if (successor === undefined || successor.createdAt === null) throw new TokenError('blacklisted');
  if (successor.blacklistedAt !== null) return revokeForReuse(context, state, nowMs, origin);
  codec.checkClaims(refresh, 'refresh', nowMs);
  const user = await activeUserOf(context, refresh);
  const next: Claims = {
    ...(await withRecomputedClaims(context, refresh, user)),
    [settings.JTI_CLAIM]: successor.jti,
    exp: Math.floor(successor.expiresAt.getTime() / 1000),
    iat: Math.floor(successor.createdAt.getTime() / 1000),
  };
  void context.events.emit(GRACE_REPLAY);
  const access = withSessionClaim(context, await withRecomputedClaims(context, codec.accessFor(refresh, nowMs), user), state.familyId);
  return { access: codec.encode(access), refresh: codec.encode(next) };
}

/** Tokens minted elsewhere (simplejwt) have no family yet: their first rotation starts one. */
async function startFamilyFor(context: RefreshDependencies, user: User | undefined, nowMs: number): Promise<string> {
  const id = randomUUID();
  await context.store.startFamily({ id, userId: user?.id ?? null, createdAt: new Date(nowMs) });
  return id;
}

/** SESSION_LIFETIME: no rotation past the family's deadline, and no refresh at all after it. */
function capToSessionLifetime(context: RefreshDependencies, next: Claims, state: TokenState | undefined, nowMs: number): void {
  const lifetime = context.settings.SESSION_LIFETIME;
  if (lifetime === null || state?.familyCreatedAt == null) return;
  const deadline = Math.floor(state.familyCreatedAt.getTime() / 1000) + lifetime;
  if (deadline <= nowMs / 1000) throw new TokenError('session_expired');
  if (typeof next.exp === 'number' && next.exp > deadline) next.exp = deadline;
}

export async function refreshSliding(context: RefreshDependencies, raw: string): Promise<{ token: string }> {
  const { codec, settings } = context;
  const nowMs = codec.now();
  const sliding = await readBlacklistableToken(context, raw, 'sliding', nowMs);
  await activeUserOf(context, sliding);
  codec.checkExp(sliding, settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM, nowMs);
  return { token: codec.encode(codec.slid(sliding, nowMs)) };
}
