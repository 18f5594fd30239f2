/**
 * `POST /accounts/password/reset/confirm/` (dj-rest-auth's PasswordResetConfirmSerializer):
 * `uid` and `token` from the mail, and the new password twice.
 *
 * Checks in dj-rest-auth's order: the uid names a user (`{"uid": ["Invalid value"]}`), the token
 * is valid for that user now (`{"token": ["Invalid value"]}`), then SetPasswordForm (match, then
 * Django's validators). The new hash replaces the old one only if the old one is still there
 * (compare-and-set), so of a burst of confirmations with one token exactly one succeeds; then
 * every session of the user ends.
 *
 * Attempts are reserved against the uid and the client address (THROTTLE_PASSWORD_RESET_*);
 * only failed uid/token checks keep theirs.
 */
import type { PasswordReplacementDependencies } from './account-dependencies.js';
import { TesseraError } from '../errors.js';
import { hashPassword } from '../passwords/hasher.js';
import { endEverySession } from '../sessions/end-every-session.js';
import { reserveResetConfirmation } from '../throttling/recovery-throttle.js';
import { decodeUid } from '../tokens/password-reset-token.js';
import { accountStore } from './account-store.js';
import { ACCOUNT_MESSAGES, setPasswordErrors } from './password-form.js';
import { resetTokens } from './request-password-reset.js';
import { userRefOf } from '../model/auth-events.js';

export interface ResetConfirmation {
  readonly uid: string;
  readonly token: string;
  readonly newPassword1: string;
  readonly newPassword2: string;
}

export async function confirmPasswordReset(
  context: PasswordReplacementDependencies,
  input: ResetConfirmation,
  ip: string | undefined,
): Promise<void> {
  const attempt = await reserveResetConfirmation(context, input.uid, ip);
  const store = accountStore(context);
  const refuse = async (field: 'uid' | 'token'): Promise<never> => {
    await attempt.settle('failed');
    throw TesseraError.fields({ [field]: [ACCOUNT_MESSAGES.invalidValue] });
  };
  const id = decodeUid(input.uid);
  const user = id === undefined ? undefined : await store.findUser('id', id);
  if (user === undefined) return refuse('uid');
  if (!resetTokens(context).check(user, input.token)) return refuse('token');
  // The link is good: a weak new password or a lost race is no guess at a token.
  await attempt.settle('passed');
  const errors = setPasswordErrors(user, input.newPassword1, input.newPassword2);
  if (errors !== undefined) throw TesseraError.fields(errors);
  const replaced = await store.replacePassword(user.id, user.password, await hashPassword(input.newPassword2));
  // Another confirmation with this token (or a password change) got there first: the token is spent.
  if (!replaced) return refuse('token');
  const { revokedTokens } = await endEverySession(context, user);
  await context.events.emit({ action: 'password.reset', user: userRefOf(user), detail: { revoked_tokens: revokedTokens }, origin: { ip } });
}
