/**
 * `POST /accounts/password/reset/` (dj-rest-auth's PasswordResetView over Django's
 * PasswordResetForm): a reset mail for the active user with this address (compared
 * case-insensitively) whose password is usable; the same answer otherwise.
 *
 * Known and unknown addresses are indistinguishable, by answer and by time: both paths run the
 * same throttle, the same indexed lookup, make a token and render the mail; only the known path
 * queues it, and queueing returns at once (delivery happens in the background, `mail/mailer.ts`),
 * so neither SMTP latency nor an SMTP failure shows in the answer.
 */
import type { AccountDependencies } from './account-dependencies.js';
import { throttleMailRequest } from '../throttling/recovery-throttle.js';
import { encodeUid, PasswordResetTokens } from '../tokens/password-reset-token.js';
import type { User } from '../model/user.js';
import { accountStore } from './account-store.js';
import { fillUrlTemplate, hasUsablePassword } from './password-form.js';

/** Django's token generator, with Tessera's secret, timeout and clock. */
export function resetTokens(context: AccountDependencies): PasswordResetTokens {
  return new PasswordResetTokens({
    secret: context.settings.SECRET_KEY,
    timeoutSeconds: context.settings.PASSWORD_RESET_TIMEOUT,
    now: () => context.codec.now(),
  });
}

/** Stands in for a missing user so that the unknown-address path does the same work. */
function decoyUser(email: string): User {
  return {
    id: 0,
    username: '',
    email,
    firstName: '',
    lastName: '',
    password: '',
    isActive: false,
    isStaff: false,
    isSuperuser: false,
    lastLogin: null,
    dateJoined: new Date(0),
  };
}

/** The link the mail carries: PASSWORD_RESET_CONFIRM_URL filled in, never the request's Host. */
export function resetLink(template: string | null, uid: string, token: string): string {
  if (template === null) return `uid: ${uid}\ntoken: ${token}`;
  return fillUrlTemplate(template, { uid, token });
}

/** Whether Django's PasswordResetForm would mail `user`: active, with an address and a usable password. */
export function mayResetPassword(user: User | undefined): user is User {
  return user !== undefined && user.isActive && user.email !== '' && hasUsablePassword(user);
}

/** Renders the reset mail for `user` (a fresh token and its link). */
function resetMail(context: AccountDependencies, user: User) {
  const uid = encodeUid(user.id === 0 ? 1 : user.id);
  const token = resetTokens(context).make(user);
  return context.mail.render('password_reset_key', user.email, {
    username: user.username,
    email: user.email,
    uid,
    token,
    password_reset_url: resetLink(context.settings.PASSWORD_RESET_CONFIRM_URL, uid, token),
    timeout_minutes: String(Math.round(context.settings.PASSWORD_RESET_TIMEOUT / 60)),
  });
}

/**
 * Sends (in the background) a reset mail to the account with `email`, if there is one that may
 * reset its password. Throws only the throttle's 429, which depends on the submitted address
 * and the client, never on whether the account exists.
 */
export async function requestPasswordReset(context: AccountDependencies, email: string, ip: string | undefined): Promise<void> {
  await throttleMailRequest(context, 'reset', email, ip);
  const found = await accountStore(context).findUserByEmail(email);
  const eligible = mayResetPassword(found);
  const message = resetMail(context, eligible ? found : decoyUser(email));
  if (eligible) context.mail.queue('password_reset_key', message);
}

/** Queues a reset mail for `user` (an administrator's action); `false` when the user may not reset. */
export function sendPasswordResetMail(context: AccountDependencies, user: User): boolean {
  if (!mayResetPassword(user)) return false;
  context.mail.queue('password_reset_key', resetMail(context, user));
  return true;
}
