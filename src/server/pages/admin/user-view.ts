/** `/admin/users/<id>/`: one account, its password, its groups and permissions, its recovery, its tokens and its history. */
import type { AuditEntry } from '../../../model/store.js';
import { flag, html, type SafeHtml } from '../html.js';
import { recoverySection, type RecoveryView } from './account-recovery-view.js';
import { auditTable } from './audit-views.js';
import { adminPage, csrfField, noticeBox, timeOf, type Notice, type Visitor } from './console-layout.js';
import { checkField, errorSummary, PASSWORD_HINT, textField, USER_FIELD_LABELS } from './form-fields.js';
import { privilegesSection, type PrivilegesView } from './privileges-view.js';
import { tokensSection, type TokensView } from './tokens-view.js';
import type { FormErrors, UserFormValues } from './user-form.js';

export interface UserView extends TokensView {
  readonly audit: readonly AuditEntry[];
  readonly notice?: Notice;
  readonly editValues?: UserFormValues;
  readonly editErrors?: FormErrors;
  readonly passwordErrors?: FormErrors;
  /** Verification state and the reset-mail button, when the store keeps email addresses. */
  readonly recovery?: RecoveryView;
  /** Groups and permissions, when the store keeps them. */
  readonly privileges?: PrivilegesView;
}

/** `/admin/users/<id>/`: the account, its password, its tokens and what was done to it. */
export function userPage(visitor: Visitor, view: UserView): SafeHtml {
  const { user } = view;
  const values: UserFormValues = view.editValues ?? user;
  const editErrors = view.editErrors ?? {};
  const passwordErrors = view.passwordErrors ?? {};
  const base = `${visitor.root}users/${user.id}/`;
  const self = visitor.user.id === user.id;
  const canGrant = visitor.user.isSuperuser && !self;
  const editable = view.manageable;
  const main = html`<h1>User ${user.username}</h1>
${noticeBox(view.notice)}
${editable ? '' : html`<div class="message warning"><p>Only a superuser can change a staff or superuser account. You can look, not touch.</p></div>`}
<dl class="facts">
<dt>Id</dt><dd>${user.id}</dd>
<dt>Joined</dt><dd>${timeOf(user.dateJoined)}</dd>
<dt>Last login</dt><dd>${timeOf(user.lastLogin)}</dd>
<dt>Password</dt><dd>${user.password.startsWith('$argon2id$') ? 'argon2id hash' : user.password.startsWith('pbkdf2_sha256$') ? 'Django PBKDF2 hash (upgraded at next login)' : user.password === '' || user.password.startsWith('!') ? 'unusable (cannot log in)' : 'hash of another kind'}</dd>
</dl>
<div class="split">
<section class="card" aria-labelledby="account-heading">
<h2 id="account-heading">Account</h2>
${errorSummary(editErrors, USER_FIELD_LABELS, 'edit-')}
<form class="stack" method="post" action="${base}" novalidate>
${csrfField(visitor.session)}
<fieldset${flag('disabled', !editable)}>
<legend>Details</legend>
${textField({ idPrefix: 'edit-', name: 'username', label: 'Username', value: values.username, autocomplete: 'off', errors: editErrors, required: true })}
${textField({ idPrefix: 'edit-', name: 'email', label: 'Email address', type: 'email', value: values.email, autocomplete: 'off', errors: editErrors })}
${textField({ idPrefix: 'edit-', name: 'first_name', label: 'First name', value: values.firstName, autocomplete: 'off', errors: editErrors })}
${textField({ idPrefix: 'edit-', name: 'last_name', label: 'Last name', value: values.lastName, autocomplete: 'off', errors: editErrors })}
</fieldset>
<fieldset${flag('disabled', !editable)}>
<legend>Permissions</legend>
${checkField('edit-', 'is_active', 'Active', values.isActive, self ? 'You cannot deactivate your own account.' : 'Inactive users cannot log in, refresh or use their tokens.', self)}
${checkField('edit-', 'is_staff', 'Staff status', values.isStaff, canGrant ? 'Staff can sign in to this console.' : self ? 'You cannot change your own staff status.' : 'Only a superuser can change staff status.', !canGrant)}
${checkField('edit-', 'is_superuser', 'Superuser status', values.isSuperuser, canGrant ? 'Superusers can manage every account.' : self ? 'You cannot change your own superuser status.' : 'Only a superuser can change superuser status.', !canGrant)}
</fieldset>
${editable ? html`<div class="actions"><button type="submit">Save changes</button></div>` : ''}
</form>
</section>
<section class="card" aria-labelledby="password-heading">
<h2 id="password-heading">Set password</h2>
${errorSummary(passwordErrors, USER_FIELD_LABELS, 'pw-')}
${
  editable
    ? html`<form class="stack" method="post" action="${base}password/" novalidate>
        ${csrfField(visitor.session)}
        ${textField({ idPrefix: 'pw-', name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', errors: passwordErrors, required: true, hint: PASSWORD_HINT })}
        ${textField({ idPrefix: 'pw-', name: 'password2', label: 'New password confirmation', type: 'password', autocomplete: 'new-password', errors: passwordErrors, required: true, hint: 'The same password again.' })}
        ${checkField('pw-', 'logout_everywhere', 'Also log out everywhere', true, 'Blacklists every live refresh token of this user, so other devices must log in with the new password.')}
        <div class="actions"><button type="submit">Set password</button></div>
      </form>`
    : html`<p class="muted">Not available for this account.</p>`
}
</section>
</div>
${view.privileges === undefined ? '' : privilegesSection(visitor, user, view.privileges)}
${view.recovery === undefined ? '' : recoverySection(visitor, user, view.recovery, editable)}
${tokensSection(visitor, view)}
<section aria-labelledby="history-heading">
<h2 id="history-heading">History</h2>
${auditTable(visitor.root, view.audit, `Events concerning ${user.username}: logins, logouts, sessions revoked, changes made in this console`)}
<p><a href="${visitor.root}audit/?user=${String(user.id)}">All of ${user.username}’s events</a></p>
</section>`;
  return adminPage(visitor, `User ${user.username}`, 'users', main);
}
