/**
 * The console's actions on tokens: blacklist one or all of a user's, revoke a session (refresh
 * family), clear the login locks, flush expired tokens. Each is audited.
 */
import type { User } from '../../../model/user.js';
import { clearAccountLocks } from '../../../throttling/login-throttle.js';
import { seeOther, type PageResponse } from '../page-response.js';
import type { Visitor } from './console-layout.js';
import { plural, recordVisit, type Visit } from './visit.js';

export async function blacklistOne(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
  const jti = form.get('jti') ?? '';
  const token = jti === '' ? undefined : (await visit.store.listTokens({ userId: target.id })).find((candidate) => candidate.jti === jti);
  if (token === undefined) return seeOther(`${visit.root}users/${target.id}/?done=no-token`);
  const done = await visit.store.blacklist(token, visit.now);
  await recordVisit(visit, {
    actor: visitor.user,
    action: 'token.blacklist',
    target,
    detail: `jti ${jti}${token.familyId === null ? '' : `, family ${token.familyId}`}${done ? '' : ' (already blacklisted)'}`,
  });
  return seeOther(`${visit.root}users/${target.id}/?done=${done ? 'blacklisted' : 'already'}`);
}

export async function blacklistAll(visit: Visit, visitor: Visitor, target: User): Promise<PageResponse> {
  // The user cache tells every session it revokes (TOKEN_SESSION_CLAIM: their access tokens are refused at once).
  const count = await visit.store.blacklistAllForUser(target.id, visit.now);
  await recordVisit(visit, {
    actor: visitor.user,
    action: 'token.blacklist_all',
    target,
    detail: `${plural(count, 'token')} blacklisted, sessions revoked`,
  });
  return seeOther(`${visit.root}users/${target.id}/?done=blacklisted-all&n=${count}`);
}

/** An administrator's unlock of the login throttles (issue 12): the account's and its per-address counters. */
export async function clearLoginLocks(visit: Visit, visitor: Visitor, target: User): Promise<PageResponse> {
  const count = await clearAccountLocks(visit.context, target.username);
  await recordVisit(visit, {
    actor: visitor.user,
    action: 'user.clear_login_locks',
    target,
    detail: `${plural(count, 'throttle counter')} cleared`,
  });
  return seeOther(`${visit.root}users/${target.id}/?done=unlocked&n=${count}`);
}

export async function revokeFamily(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
  const familyId = form.get('family') ?? '';
  const belongs = familyId !== '' && (await visit.store.listTokens({ userId: target.id })).some((token) => token.familyId === familyId);
  if (!belongs) return seeOther(`${visit.root}users/${target.id}/?done=no-token`);
  const count = await visit.store.revokeFamily(familyId, visit.now, 'admin');
  await recordVisit(visit, {
    actor: visitor.user,
    action: 'family.revoke',
    target,
    detail: `family ${familyId}, ${plural(count, 'token')} blacklisted`,
  });
  return seeOther(`${visit.root}users/${target.id}/?done=revoked&n=${count}`);
}

export async function flushExpired(visit: Visit, visitor: Visitor): Promise<PageResponse> {
  const count = await visit.store.flushExpired(visit.now);
  await recordVisit(visit, { actor: visitor.user, action: 'tokens.flush_expired', detail: `${plural(count, 'expired token')} deleted` });
  return seeOther(`${visit.root}?done=flushed&n=${count}`);
}
