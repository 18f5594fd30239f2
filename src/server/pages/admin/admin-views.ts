/**
 * The admin console's pages. Pure rendering: every value comes in through the arguments, every
 * form carries the session's CSRF token, every input has a label, and errors are announced
 * (a summary with `role="alert"` linking to the fields, `aria-invalid` and `aria-describedby`).
 */
import type { ConsoleSignIn, AuditEntry, TokenRecord } from '../../../model/store.js';
import type { User } from '../../../model/user.js';
import { flag, html, type SafeHtml } from '../html.js';
import { renderPage } from '../layout.js';
import { recoverySection, type RecoveryView } from './account-recovery-view.js';
import { auditActionChoices, auditLabel } from './audit-trail.js';
import type { FormErrors, UserFormValues } from './user-form.js';

/** A signed-in staff member and their session. */
export interface Visitor {
  readonly user: User;
  readonly session: ConsoleSignIn;
}

/** A notice shown once after an action (success or not). */
export interface Notice {
  readonly kind: 'success' | 'warning' | 'error';
  readonly text: string;
}

type AdminArea = 'overview' | 'users' | 'new-user' | 'audit';

// ---- pieces ----

/** `2026-11-23 10:14:34 UTC`, in a `<time>` machines can read. */
export function timeOf(date: Date | null): SafeHtml {
  if (date === null) return html`<span class="muted">never</span>`;
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC</time>`;
}

function csrfField(session: ConsoleSignIn): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${session.csrfToken}" />`;
}

function yesNo(value: boolean): SafeHtml {
  return value ? html`<span class="badge yes">Yes</span>` : html`<span class="badge no">No</span>`;
}

function noticeBox(notice: Notice | undefined): SafeHtml {
  if (notice === undefined) return html``;
  return html`<div class="message ${notice.kind}" role="${notice.kind === 'success' ? 'status' : 'alert'}"><p>${notice.text}</p></div>`;
}

function errorSummary(errors: FormErrors, labels: Readonly<Record<string, string>>, idPrefix: string): SafeHtml {
  const entries = Object.entries(errors).filter(([, messages]) => messages.length > 0);
  if (entries.length === 0) return html``;
  return html`<div class="message error" role="alert" tabindex="-1" id="${idPrefix}error-summary">
    <h2>Please correct the following</h2>
    <ul>
      ${entries.flatMap(([field, messages]) =>
        messages.map((message) =>
          field === ''
            ? html`<li>${message}</li>`
            : html`<li><a href="#${idPrefix}${field}">${labels[field] ?? field}: ${message}</a></li>`,
        ),
      )}
    </ul>
  </div>`;
}

interface TextFieldOptions {
  readonly idPrefix: string;
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly type?: 'text' | 'email' | 'password' | 'search';
  readonly autocomplete: string;
  readonly errors?: FormErrors;
  readonly hint?: string;
  readonly required?: boolean;
}

function textField(options: TextFieldOptions): SafeHtml {
  const id = `${options.idPrefix}${options.name}`;
  const messages = options.errors?.[options.name] ?? [];
  const describedBy = [options.hint === undefined ? '' : `${id}-hint`, messages.length === 0 ? '' : `${id}-error`]
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
    <label for="${id}">${options.label}${options.required ? '' : html` <span class="muted">(optional)</span>`}</label>
    ${options.hint === undefined ? '' : html`<p class="hint" id="${id}-hint">${options.hint}</p>`}
    ${
      messages.length === 0
        ? ''
        : html`<div class="field-error" id="${id}-error">
            <ul>
              ${messages.map((message) => html`<li>${message}</li>`)}
            </ul>
          </div>`
    }
    <input
      id="${id}"
      name="${options.name}"
      type="${options.type ?? 'text'}"
      autocomplete="${options.autocomplete}"
      ${options.type === 'password' ? '' : html` value="${options.value ?? ''}"`}${flag('required', options.required === true)}${flag('aria-invalid="true"', messages.length > 0)}${describedBy === '' ? '' : html` aria-describedby="${describedBy}"`}${options.type === 'text' || options.type === undefined ? html` spellcheck="false" autocapitalize="none"` : ''}
    />
  </div>`;
}

function checkField(idPrefix: string, name: string, label: string, checked: boolean, hint: string, disabled = false): SafeHtml {
  const id = `${idPrefix}${name}`;
  return html`<div class="check">
    <input
      type="checkbox"
      id="${id}"
      name="${name}"
      ${flag('checked', checked)}${flag('disabled', disabled)}
      aria-describedby="${id}-hint"
    />
    <div>
      <label for="${id}">${label}</label>
      <p class="hint" id="${id}-hint">${hint}</p>
    </div>
  </div>`;
}

const USER_FIELD_LABELS: Readonly<Record<string, string>> = {
  username: 'Username',
  email: 'Email address',
  first_name: 'First name',
  last_name: 'Last name',
  password: 'Password',
  password2: 'Password confirmation',
  is_active: 'Active',
  is_staff: 'Staff status',
  is_superuser: 'Superuser status',
};

const PASSWORD_HINT =
  'At least 8 characters, not entirely numeric, not a commonly used password, and not too similar to the username, names or email address.';

function adminNav(area: AdminArea | undefined): SafeHtml {
  const links: readonly [AdminArea, string, string][] = [
    ['overview', '/admin/', 'Overview'],
    ['users', '/admin/users/', 'Users'],
    ['new-user', '/admin/users/new/', 'Add user'],
    ['audit', '/admin/audit/', 'Audit log'],
  ];
  return html`<nav class="sidebar" aria-labelledby="admin-nav-heading">
    <h2 id="admin-nav-heading">Admin console</h2>
    <ul>
      ${links.map(([key, href, label]) => html`<li><a href="${href}" ${key === area ? html` aria-current="page"` : ''}>${label}</a></li>`)}
    </ul>
  </nav>`;
}

function signedInAs(visitor: Visitor): SafeHtml {
  return html`<div class="session">
    <span>Signed in as <strong>${visitor.user.username}</strong></span>
    <form method="post" action="/admin/logout/">${csrfField(visitor.session)}<button type="submit" class="link">Sign out</button></form>
  </div>`;
}

function adminPage(visitor: Visitor, title: string, area: AdminArea | undefined, main: SafeHtml): SafeHtml {
  return renderPage({ title: `${title} · Admin`, section: 'admin', main, sidebar: adminNav(area), headerEnd: signedInAs(visitor) });
}

function auditTable(entries: readonly AuditEntry[], caption: string): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">Nothing recorded yet.</p>`;
  return html`<div class="table-wrap">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          <th scope="col">Target</th>
          <th scope="col">Details</th>
          <th scope="col">Address</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (entry) =>
            html`<tr>
              <td>${timeOf(entry.at)}</td>
              <td>
                ${entry.actorId === null ? html`<span class="muted">${entry.actorUsername || 'anonymous'} (not signed in)</span>` : entry.actorUsername}
              </td>
              <td>${auditLabel(entry.action)}</td>
              <td>
                ${entry.targetUserId === null ? entry.target : html`<a href="/admin/users/${entry.targetUserId}/">${entry.target}</a>`}
              </td>
              <td>${entry.detail}</td>
              <td class="nowrap">${entry.ip ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function pager(basePath: string, page: number, hasNext: boolean, extra: Record<string, string> = {}): SafeHtml {
  const link = (target: number): string => {
    const params = new URLSearchParams({ ...extra, page: String(target) });
    return `${basePath}?${params.toString()}`;
  };
  if (page <= 1 && !hasNext) return html``;
  return html`<nav class="pager" aria-label="Pages">
    ${page > 1 ? html`<a href="${link(page - 1)}">Previous page</a>` : ''}
    <span>Page ${page}</span>
    ${hasNext ? html`<a href="${link(page + 1)}">Next page</a>` : ''}
  </nav>`;
}

// ---- pages ----

export interface LoginView {
  readonly csrfToken: string;
  readonly next: string;
  readonly username?: string;
  readonly error?: string;
  readonly notice?: Notice;
}

/** The sign-in form. */
export function loginPage(view: LoginView): SafeHtml {
  const main = html`<div class="narrow">
    <h1>Sign in to the admin console</h1>
    <p class="lede">For staff accounts. Everything you do here is recorded in the audit log.</p>
    ${noticeBox(view.notice)}
    ${view.error === undefined ? '' : html`<div class="message error" role="alert" id="login-error"><p>${view.error}</p></div>`}
    <form class="stack card" method="post" action="/admin/login/">
      <input type="hidden" name="csrf_token" value="${view.csrfToken}" />
      <input type="hidden" name="next" value="${view.next}" />
      ${textField({ idPrefix: 'login-', name: 'username', label: 'Username', value: view.username ?? '', autocomplete: 'username', required: true })}
      ${textField({ idPrefix: 'login-', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true })}
      <div class="actions"><button type="submit">Sign in</button></div>
    </form>
  </div>`;
  return renderPage({ title: 'Sign in · Admin', section: 'admin', main });
}

/** A page that only says something (refusals, errors); `visitor` when someone is signed in. */
export function messagePage(visitor: Visitor | undefined, title: string, text: string, link?: { href: string; label: string }): SafeHtml {
  const main = html`<div class="narrow">
    <h1>${title}</h1>
    <p>${text}</p>
    ${link === undefined ? '' : html`<p><a href="${link.href}">${link.label}</a></p>`}
  </div>`;
  return visitor === undefined ? renderPage({ title, section: 'admin', main }) : adminPage(visitor, title, undefined, main);
}

export interface OverviewView {
  readonly recent: readonly AuditEntry[];
  readonly notice?: Notice;
}

/** `/admin/`: search, maintenance and the latest activity. */
export function overviewPage(visitor: Visitor, view: OverviewView): SafeHtml {
  const main = html`<h1>Admin console</h1>
    ${noticeBox(view.notice)}
    <div class="split">
      <section class="card" aria-labelledby="find-heading">
        <h2 id="find-heading">Find a user</h2>
        <form class="search" method="get" action="/admin/users/" role="search">
          ${textField({ idPrefix: 'overview-', name: 'q', label: 'Username, email or name', type: 'search', autocomplete: 'off', required: true })}
          <button type="submit">Search</button>
        </form>
        <p><a class="button secondary" href="/admin/users/new/">Add a user</a></p>
      </section>
      <section class="card" aria-labelledby="maintenance-heading">
        <h2 id="maintenance-heading">Maintenance</h2>
        <p>
          Expired tokens can no longer be used; flushing deletes their records (and their blacklist entries), as
          <code>tessera flushexpiredtokens</code> does.
        </p>
        <form method="post" action="/admin/tokens/flush-expired/" data-confirm="Delete the records of every expired token?">
          ${csrfField(visitor.session)}
          <button type="submit" class="secondary">Flush expired tokens</button>
        </form>
      </section>
    </div>
    <section aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent activity</h2>
      ${auditTable(view.recent, 'The latest entries of the audit log')}
      <p><a href="/admin/audit/">The whole audit log</a></p>
    </section>`;
  return adminPage(visitor, 'Overview', 'overview', main);
}

export interface UsersView {
  readonly users: readonly User[];
  readonly search: string;
  readonly page: number;
  readonly hasNext: boolean;
}

/** `/admin/users/`: the list, with search. */
export function usersPage(visitor: Visitor, view: UsersView): SafeHtml {
  const main = html`<h1>Users</h1>
    <form class="search" method="get" action="/admin/users/" role="search">
      ${textField({ idPrefix: 'users-', name: 'q', label: 'Search by username, email or name', type: 'search', value: view.search, autocomplete: 'off', required: false })}
      <button type="submit">Search</button>
      ${view.search === '' ? '' : html`<a href="/admin/users/">Show all</a>`}
    </form>
    <p><a class="button secondary" href="/admin/users/new/">Add a user</a></p>
    ${
      view.users.length === 0
        ? html`<p role="status">${view.search === '' ? 'There are no users yet.' : html`No user matches “${view.search}”.`}</p>`
        : html`<div class="table-wrap">
            <table>
              <caption>
                ${view.search === '' ? 'All users' : html`Users matching “${view.search}”`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Active</th>
                  <th scope="col">Staff</th>
                  <th scope="col">Superuser</th>
                  <th scope="col">Last login</th>
                </tr>
              </thead>
              <tbody>
                ${view.users.map(
                  (user) =>
                    html`<tr>
                      <td><a href="/admin/users/${user.id}/">${user.username}</a></td>
                      <td>${user.email}</td>
                      <td>${`${user.firstName} ${user.lastName}`.trim()}</td>
                      <td>${yesNo(user.isActive)}</td>
                      <td>${yesNo(user.isStaff)}</td>
                      <td>${yesNo(user.isSuperuser)}</td>
                      <td>${timeOf(user.lastLogin)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${pager('/admin/users/', view.page, view.hasNext, view.search === '' ? {} : { q: view.search })}`;
  return adminPage(visitor, 'Users', 'users', main);
}

export interface NewUserView {
  readonly values?: UserFormValues;
  readonly errors?: FormErrors;
}

/** `/admin/users/new/`. Only superusers may hand out staff or superuser status. */
export function newUserPage(visitor: Visitor, view: NewUserView): SafeHtml {
  const values = view.values;
  const errors = view.errors ?? {};
  const canGrant = visitor.user.isSuperuser;
  const p = 'new-';
  const main = html`<h1>Add a user</h1>
    ${errorSummary(errors, USER_FIELD_LABELS, p)}
    <form class="stack" method="post" action="/admin/users/new/" novalidate>
      ${csrfField(visitor.session)}
      ${textField({ idPrefix: p, name: 'username', label: 'Username', value: values?.username, autocomplete: 'off', errors, required: true, hint: '150 characters or fewer: letters, digits and @/./+/-/_ only.' })}
      ${textField({ idPrefix: p, name: 'email', label: 'Email address', type: 'email', value: values?.email, autocomplete: 'off', errors })}
      ${textField({ idPrefix: p, name: 'first_name', label: 'First name', value: values?.firstName, autocomplete: 'off', errors })}
      ${textField({ idPrefix: p, name: 'last_name', label: 'Last name', value: values?.lastName, autocomplete: 'off', errors })}
      ${textField({ idPrefix: p, name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', errors, required: true, hint: PASSWORD_HINT })}
      ${textField({ idPrefix: p, name: 'password2', label: 'Password confirmation', type: 'password', autocomplete: 'new-password', errors, required: true, hint: 'The same password again.' })}
      <fieldset>
        <legend>Permissions</legend>
        ${checkField(p, 'is_active', 'Active', values?.isActive ?? true, 'Inactive users cannot log in or use their tokens.')}
        ${checkField(p, 'is_staff', 'Staff status', values?.isStaff ?? false, canGrant ? 'Staff can sign in to this console.' : 'Only a superuser can grant staff status.', !canGrant)}
        ${checkField(p, 'is_superuser', 'Superuser status', values?.isSuperuser ?? false, canGrant ? 'Superusers can manage every account, staff included.' : 'Only a superuser can grant superuser status.', !canGrant)}
      </fieldset>
      <div class="actions"><button type="submit">Create user</button> <a href="/admin/users/">Cancel</a></div>
    </form>`;
  return adminPage(visitor, 'Add a user', 'new-user', main);
}

export interface UserView {
  readonly user: User;
  readonly tokens: readonly TokenRecord[];
  readonly audit: readonly AuditEntry[];
  /** Whether the visitor may change this account (see `mayManage`). */
  readonly manageable: boolean;
  readonly now: Date;
  readonly notice?: Notice;
  readonly editValues?: UserFormValues;
  readonly editErrors?: FormErrors;
  readonly passwordErrors?: FormErrors;
  /** Verification state and the reset-mail button, when the store keeps email addresses. */
  readonly recovery?: RecoveryView;
}

function tokenState(token: TokenRecord, now: Date): SafeHtml {
  if (token.blacklistedAt !== null) return html`<span class="badge bad">Blacklisted</span> ${timeOf(token.blacklistedAt)}`;
  if (token.expiresAt.getTime() <= now.getTime()) return html`<span class="badge no">Expired</span>`;
  return html`<span class="badge yes">Live</span>`;
}

function isLive(token: TokenRecord, now: Date): boolean {
  return token.blacklistedAt === null && token.expiresAt.getTime() > now.getTime();
}

function tokensSection(visitor: Visitor, view: UserView): SafeHtml {
  const { user, tokens, now } = view;
  const base = `/admin/users/${user.id}/`;
  const liveCount = tokens.filter((token) => isLive(token, now)).length;
  const families = new Map<string, { total: number; live: number; started: Date | null }>();
  for (const token of tokens) {
    if (token.familyId === null) continue;
    const family = families.get(token.familyId) ?? { total: 0, live: 0, started: token.createdAt };
    family.total += 1;
    if (isLive(token, now)) family.live += 1;
    if (token.createdAt !== null && (family.started === null || token.createdAt < family.started)) family.started = token.createdAt;
    families.set(token.familyId, family);
  }
  return html`<section aria-labelledby="tokens-heading">
    ${
      view.manageable
        ? html`<h2>Login locks</h2>
            <p>
              Failed logins for this username are counted per address and across addresses; past the limits, logins from addresses
              ${user.username} has not used before wait.
            </p>
            <form method="post" action="${base}login-locks/clear/">
              ${csrfField(visitor.session)}<button type="submit">Clear login locks of ${user.username}</button>
            </form>`
        : ''
    }
    <h2 id="tokens-heading">Tokens</h2>
    <p>
      ${tokens.length === 0 ? 'This user has no recorded refresh tokens.' : html`${tokens.length} recorded refresh or sliding token${tokens.length === 1 ? '' : 's'}, ${liveCount} live. Access tokens are not recorded: they stay valid until they expire.`}
    </p>
    ${
      view.manageable && liveCount > 0
        ? html`<form
            method="post"
            action="${base}tokens/blacklist-all/"
            data-confirm="${`Blacklist every live token of ${user.username}? They will have to log in again.`}"
          >
            ${csrfField(visitor.session)}<button type="submit" class="danger">Blacklist all tokens of ${user.username}</button>
          </form>`
        : ''
    }
    ${
      families.size === 0
        ? ''
        : html`<h3>Sessions (token families)</h3>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">
                  Sessions of ${user.username}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="mono">Family</th>
                    <th scope="col">Started</th>
                    <th scope="col">Tokens</th>
                    <th scope="col">Live</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  ${[...families.entries()].map(
                    ([familyId, family]) =>
                      html`<tr>
                        <td class="mono">${familyId}</td>
                        <td>${timeOf(family.started)}</td>
                        <td>${family.total}</td>
                        <td>${family.live}</td>
                        <td>
                          ${
                            view.manageable && family.live > 0
                              ? html`<form method="post" action="${base}families/revoke/">
                                  ${csrfField(visitor.session)}<input type="hidden" name="family" value="${familyId}" /><button
                                    type="submit"
                                    class="small danger"
                                    aria-label="${`Revoke session ${familyId}`}"
                                  >
                                    Revoke
                                  </button>
                                </form>`
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    ${
      tokens.length === 0
        ? ''
        : html`<h3>Outstanding tokens</h3>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">
                  Refresh and sliding tokens of ${user.username}, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="mono">Token id (jti)</th>
                    <th scope="col" class="mono">Family</th>
                    <th scope="col">Issued</th>
                    <th scope="col">Expires</th>
                    <th scope="col">State</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  ${tokens.map(
                    (token) =>
                      html`<tr>
                        <td class="mono">${token.jti}</td>
                        <td class="mono">${token.familyId ?? ''}</td>
                        <td>${timeOf(token.createdAt)}</td>
                        <td>${timeOf(token.expiresAt)}</td>
                        <td>${tokenState(token, now)}</td>
                        <td>
                          ${
                            view.manageable && isLive(token, now)
                              ? html`<form method="post" action="${base}tokens/blacklist/">
                                  ${csrfField(visitor.session)}<input type="hidden" name="jti" value="${token.jti}" /><button
                                    type="submit"
                                    class="small danger"
                                    aria-label="${`Blacklist token ${token.jti}`}"
                                  >
                                    Blacklist
                                  </button>
                                </form>`
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
  </section>`;
}

/** `/admin/users/<id>/`: the account, its password, its tokens and what was done to it. */
export function userPage(visitor: Visitor, view: UserView): SafeHtml {
  const { user } = view;
  const values: UserFormValues = view.editValues ?? user;
  const editErrors = view.editErrors ?? {};
  const passwordErrors = view.passwordErrors ?? {};
  const base = `/admin/users/${user.id}/`;
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
${view.recovery === undefined ? '' : recoverySection(visitor.session, user, view.recovery, editable)}
${tokensSection(visitor, view)}
<section aria-labelledby="history-heading">
<h2 id="history-heading">History</h2>
${auditTable(view.audit, `Events concerning ${user.username}: logins, logouts, sessions revoked, changes made in this console`)}
<p><a href="/admin/audit/?user=${String(user.id)}">All of ${user.username}’s events</a></p>
</section>`;
  return adminPage(visitor, `User ${user.username}`, 'users', main);
}

export interface AuditView {
  readonly entries: readonly AuditEntry[];
  readonly page: number;
  readonly hasNext: boolean;
  /** The action filter (`login.failed`), or `''` for every action. */
  readonly action: string;
  /** Only events concerning this user, when set. */
  readonly userId: number | undefined;
}

/** The audit page's filter: an action, and optionally one user. */
function auditFilter(view: AuditView): SafeHtml {
  return html`<form class="search" method="get" action="/admin/audit/" role="search">
    <div class="field">
      <label for="audit-action">Action</label>
      <select id="audit-action" name="action">
        <option value="" ${flag('selected', view.action === '')}>Every action</option>
        ${auditActionChoices().map(
          ([code, label]) => html`<option value="${code}" ${flag('selected', view.action === code)}>${label} (${code})</option>`,
        )}
      </select>
    </div>
    ${view.userId === undefined ? '' : html`<input type="hidden" name="user" value="${String(view.userId)}" />`}
    <button type="submit">Filter</button>
    ${view.action === '' && view.userId === undefined ? '' : html`<a href="/admin/audit/">Show all</a>`}
  </form>`;
}

/** `/admin/audit/`: the whole trail, newest first. */
export function auditPage(visitor: Visitor, view: AuditView): SafeHtml {
  const main = html`<h1>Audit log</h1>
    <p class="lede">
      Every login, failed login, logout, refresh-token reuse, key change, and every change made in this console: who, what, when and from
      where. Passwords and tokens are never recorded.
    </p>
    ${auditFilter(view)} ${auditTable(view.entries, 'Audit log, newest first')}
    ${pager('/admin/audit/', view.page, view.hasNext, {
      ...(view.action === '' ? {} : { action: view.action }),
      ...(view.userId === undefined ? {} : { user: String(view.userId) }),
    })}`;
  return adminPage(visitor, 'Audit log', 'audit', main);
}
