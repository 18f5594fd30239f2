/**
 * `POST /accounts/password/change/` (dj-rest-auth's PasswordChangeSerializer), for the
 * authenticated user: `old_password` (when OLD_PASSWORD_FIELD_ENABLED, Tessera's default),
 * `new_password1`, `new_password2`.
 *
 * A wrong old password is a field error in the same pass as the other fields' errors, as DRF
 * runs `validate_old_password`; it counts as a failed login for the user (the login throttle),
 * so a stolen access token cannot be used to guess the password. Then SetPasswordForm's checks.
 * On success every session of the user ends (simplejwt #59) and the caller gets a fresh pair.
 */
import type { PasswordReplacementDependencies } from './account-dependencies.js';
import { TesseraError, type FieldErrors } from '../errors.js';
import { hashPassword, verifyPassword } from '../passwords/hasher.js';
import { endEverySession } from '../sessions/end-every-session.js';
import { reserveLoginAttempt } from '../throttling/login-throttle.js';
import type { RequestUser } from '../model/request-user.js';
import { accountStore } from './account-store.js';
import { ACCOUNT_MESSAGES, setPasswordErrors } from './password-form.js';
import { userRefOf } from '../model/auth-events.js';

export interface PasswordChange {
  /** `undefined` when OLD_PASSWORD_FIELD_ENABLED is off, or when the field had its own error. */
  readonly oldPassword: string | undefined;
  readonly newPassword1: string | undefined;
  readonly newPassword2: string | undefined;
}

/**
 * Checks the old password (when given) and adds its error to `fieldErrors`; then, if no field
 * has an error, changes the password. Returns the caller's new pair.
 */
export async function changePassword(
  context: PasswordReplacementDependencies,
  caller: RequestUser,
  input: PasswordChange,
  fieldErrors: FieldErrors,
  ip: string | undefined,
): Promise<{ refresh: string; access: string }> {
  const store = accountStore(context);
  // The user as stored now: the request's user may come from the 5-second user cache.
  const user = await store.findUser('id', caller.id);
  if (user === undefined) throw TesseraError.of('user_not_found');
  if (input.oldPassword !== undefined) {
    const attempt = await reserveLoginAttempt(context, user.username, ip);
    const { valid } = await verifyPassword(input.oldPassword, user.password).catch(async (error: unknown) => {
      await attempt.settle('unchecked');
      throw error;
    });
    await attempt.settle(valid ? 'succeeded' : 'failed');
    if (!valid) fieldErrors.old_password = [ACCOUNT_MESSAGES.oldPasswordIncorrect];
  }
  if (Object.keys(fieldErrors).length > 0)
    throw TesseraError.fields(orderedLike(['old_password', 'new_password1', 'new_password2'], fieldErrors));
  const errors = setPasswordErrors(user, input.newPassword1 ?? '', input.newPassword2 ?? '');
  if (errors !== undefined) throw TesseraError.fields(errors);
  const replaced = await store.replacePassword(user.id, user.password, await hashPassword(input.newPassword2 ?? ''));
  // A concurrent change won: the old password this request proved is no longer the password.
  if (!replaced) throw TesseraError.fields({ old_password: [ACCOUNT_MESSAGES.oldPasswordIncorrect] });
  const { pair, revokedTokens } = await endEverySession(context, user, { issueNewPair: true });
  await context.events.emit({
    action: 'password.changed',
    user: userRefOf(user),
    detail: { revoked_tokens: revokedTokens },
    origin: { ip },
  });
  if (pair === undefined) throw new TypeError('endEverySession issued no pair');
  return pair;
}

/** DRF reports field errors in the serializer's declaration order. */
function orderedLike(order: readonly string[], errors: FieldErrors): FieldErrors {
  const ordered: FieldErrors = {};
  for (const name of order) if (errors[name] !== undefined) ordered[name] = errors[name];
  return ordered;
}
