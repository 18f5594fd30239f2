/**
 * Email verification, as django-allauth does it (ACCOUNT_EMAIL_VERIFICATION):
 * - at registration (`optional` or `mandatory`) the address gets an `account_emailaddress` row
 *   and a mail with a key: allauth's HMAC key, `signing.dumps(address.pk, salt='account')`,
 *   valid ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS;
 * - `POST /accounts/email/verify/` with the key marks the address verified (dj-rest-auth's
 *   VerifyEmailView: `{"detail": "ok"}`, or 404 for a bad, expired or already-used key);
 * - `POST /accounts/email/verify/resend/` with an address sends a new mail if that address
 *   belongs to an account and is not verified yet, with the same answer either way;
 * - with `mandatory`, login is refused until the user's current address is verified
 *   (dj-rest-auth's message, "E-mail is not verified.").
 */
import type { AccountDependencies } from './account-dependencies.js';
import { TesseraError } from '../errors.js';
import { throttleMailRequest } from '../throttling/recovery-throttle.js';
import { signInteger, unsignInteger } from '../tokens/django-signing.js';
import type { User } from '../model/user.js';
import { accountStore } from './account-store.js';
import { ACCOUNT_MESSAGES, fillUrlTemplate } from './password-form.js';

/** django-allauth's ACCOUNT_SALT default: keys are interchangeable with allauth's. */
const KEY_SALT = 'account';

function keyOptions(context: AccountDependencies) {
  return { secret: context.settings.SECRET_KEY, salt: KEY_SALT, nowMs: context.codec.now() };
}

/** The link in the mail: ACCOUNT_EMAIL_CONFIRMATION_URL filled in, or the key alone. */
function activateLink(template: string | null, key: string): string {
  return template === null ? `key: ${key}` : fillUrlTemplate(template, { key });
}

/** Whether `user` may log in under ACCOUNT_EMAIL_VERIFICATION (only `mandatory` can refuse). */
export async function isEmailVerifiedForLogin(context: AccountDependencies, user: User): Promise<boolean> {
  if (context.settings.ACCOUNT_EMAIL_VERIFICATION !== 'mandatory') return true;
  if (user.email === '') return false;
  const address = await accountStore(context).findEmailAddress(user.id, user.email);
  return address?.verified === true;
}

/** Refuses a login with dj-rest-auth's 400 while a mandatory verification is pending. */
export async function requireVerifiedEmail(context: AccountDependencies, user: User): Promise<void> {
  if (!(await isEmailVerifiedForLogin(context, user))) throw TesseraError.nonField(ACCOUNT_MESSAGES.emailNotVerified);
}

/**
 * Records the user's address (unverified) and queues a verification mail, when verification is
 * on and the address is not verified yet. Used at registration and by the resend endpoint.
 */
export async function sendVerificationMail(context: AccountDependencies, user: User): Promise<void> {
  if (context.settings.ACCOUNT_EMAIL_VERIFICATION === 'none' || user.email === '') return;
  const address = await accountStore(context).addEmailAddress(user.id, user.email);
  if (address.verified) return;
  const key = signInteger(address.id, keyOptions(context));
  context.mail.queue(
    'email_confirmation',
    context.mail.render('email_confirmation', user.email, {
      username: user.username,
      email: user.email,
      key,
      activate_url: activateLink(context.settings.ACCOUNT_EMAIL_CONFIRMATION_URL, key),
      expire_days: String(context.settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS),
    }),
  );
}

/** `POST /accounts/email/verify/resend/`: the same (empty) outcome whether or not the address is known. */
export async function resendVerificationMail(context: AccountDependencies, email: string, ip: string | undefined): Promise<void> {
  await throttleMailRequest(context, 'verify', email, ip);
  const user = await accountStore(context).findUserByEmail(email);
  if (user !== undefined && user.isActive) await sendVerificationMail(context, user);
}

/** `POST /accounts/email/verify/`: marks the key's address verified, or 404 as allauth's ConfirmEmailView. */
export async function verifyEmailKey(context: AccountDependencies, key: string): Promise<void> {
  const maxAgeSeconds = context.settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 86_400;
  const id = unsignInteger(key, { ...keyOptions(context), maxAgeSeconds });
  // Only the call that flips the flag succeeds: a used key is refused as allauth refuses it
  // (`EmailAddress.objects.get(pk=pk, verified=False)`).
  if (id === undefined || !(await accountStore(context).verifyEmailAddress(id))) throw TesseraError.of('not_found');
}
