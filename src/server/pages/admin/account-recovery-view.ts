/**
 * The "Email and password recovery" card of a user's console page: whether the user's address
 * is verified (django-allauth's `account_emailaddress`, ACCOUNT_EMAIL_VERIFICATION), and a
 * button that mails the user a password-reset link, the same mail `POST /accounts/password/reset/`
 * sends (so the link goes to PASSWORD_RESET_CONFIRM_URL; staff never see the token).
 */
import type { Settings } from '../../../config/settings.js';
import type { EmailAddress } from '../../../model/store.js';
import type { User } from '../../../model/user.js';
import { flag, html, type SafeHtml } from '../html.js';
import type { Visitor } from './console-layout.js';

export interface RecoveryView {
  /** ACCOUNT_EMAIL_VERIFICATION. */
  readonly verification: Settings['ACCOUNT_EMAIL_VERIFICATION'];
  /** The row of the user's current address, `undefined` when none was recorded. */
  readonly address: EmailAddress | undefined;
  /** Why no reset mail can be sent, or `undefined` when one can. */
  readonly resetUnavailable: string | undefined;
}

/** Why `user` cannot be sent a reset mail (Django's PasswordResetForm rules), or `undefined`. */
export function resetUnavailableReason(user: User): string | undefined {
  if (user.email === '') return 'The user has no email address.';
  if (!user.isActive) return 'Inactive users get no reset mail.';
  if (user.password === '' || user.password.startsWith('!')) return 'The password is unusable: reset mails are not sent for it.';
  return undefined;
}

function verificationState(user: User, view: RecoveryView): SafeHtml {
  if (user.email === '') return html`no address`;
  if (view.address?.verified === true) return html`<span class="badge yes">Verified</span>`;
  const pending = view.address === undefined ? 'not recorded' : 'not verified';
  const effect = view.verification === 'mandatory' ? ' (cannot log in until verified)' : '';
  return html`<span class="badge no">No</span> ${pending}${effect}`;
}

export function recoverySection(visitor: Visitor, user: User, view: RecoveryView, manageable: boolean): SafeHtml {
  const unavailable = manageable ? view.resetUnavailable : 'Only a superuser can act on a staff or superuser account.';
  return html`<section class="card" aria-labelledby="recovery-heading">
    <h2 id="recovery-heading">Email and password recovery</h2>
    <dl class="facts">
      <dt>Email verification</dt>
      <dd>${view.verification}</dd>
      <dt>Address verified</dt>
      <dd>${verificationState(user, view)}</dd>
    </dl>
    <form class="stack" method="post" action="${visitor.root}users/${user.id}/password-reset/">
      <input type="hidden" name="csrf_token" value="${visitor.session.csrfToken}" />
      <p class="muted">${unavailable ?? 'Mails the user a link to choose a new password. The link works once; you never see it.'}</p>
      <div class="actions"><button type="submit" ${flag('disabled', unavailable !== undefined)}>Send password reset mail</button></div>
    </form>
  </section>`;
}
