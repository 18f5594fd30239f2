/**
 * The per-user token cut-off (issue 15; Keycloak calls it "not before"). A password change or
 * reset, a deactivation, a logout-all and (with REVOKE_ON_PRIVILEGE_CHANGE) a change of staff,
 * superuser or active status raise the user's token version; every token minted before carries
 * a lower version (or none: version 0) and is refused wherever the user is looked up.
 *
 * Why a version and not only a time: `iat` has whole seconds, so a token minted in the same
 * second as the cut-off, after it (the fresh pair of the session that changed the password),
 * could not be told apart from one minted just before it. The version can.
 */
import type { User } from '../model/user.js';

/** The one setting the cut-off reads: which claim carries the version. */
export interface TokenVersionSettings {
  readonly TOKEN_VERSION_CLAIM: string;
}

/** The version a token was minted with: its version claim, 0 when it has none (or a bad one). */
export function tokenVersionOf(settings: TokenVersionSettings, claims: Readonly<Record<string, unknown>>): number {
  const version = claims[settings.TOKEN_VERSION_CLAIM];
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 0 ? version : 0;
}

/**
 * Whether the user's last cut-off came after this token was minted.
 *
 * @example
 * ```ts
 * if (isCutOff(settings, claims, user)) throw new TokenError('cut_off');
 * ```
 */
export function isCutOff(
  settings: TokenVersionSettings,
  claims: Readonly<Record<string, unknown>>,
  user: Pick<User, 'tokenVersion'>,
): boolean {
  return tokenVersionOf(settings, claims) < (user.tokenVersion ?? 0);
}

/** The settings that say which changes of a user cut their tokens off. */
export interface CutOffPolicySettings {
  readonly REVOKE_ON_PRIVILEGE_CHANGE: boolean;
}

/**
 * Whether changing a user from `before` to `after` cuts off their tokens: always when the
 * account is deactivated; on any change of active, staff or superuser status when
 * REVOKE_ON_PRIVILEGE_CHANGE is on (a demoted admin's token must not keep admin powers).
 *
 * @example
 * ```ts
 * if (changeCutsOffTokens(settings, target, values)) await store.cutOffTokens(target.id, now);
 * ```
 */
export function changeCutsOffTokens(
  settings: CutOffPolicySettings,
  before: Pick<User, 'isActive' | 'isStaff' | 'isSuperuser'>,
  after: Pick<User, 'isActive' | 'isStaff' | 'isSuperuser'>,
): boolean {
  if (before.isActive && !after.isActive) return true;
  if (!settings.REVOKE_ON_PRIVILEGE_CHANGE) return false;
  return before.isActive !== after.isActive || before.isStaff !== after.isStaff || before.isSuperuser !== after.isSuperuser;
}
