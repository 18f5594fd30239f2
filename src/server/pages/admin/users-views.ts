/** `/admin/users/` (the list, with search) and `/admin/users/new/`. */
import type { User } from '../../../model/user.js';
import { html, type SafeHtml } from '../html.js';
import { adminPage, csrfField, pager, timeOf, yesNo, type Visitor } from './console-layout.js';
import { checkField, errorSummary, PASSWORD_HINT, textField, USER_FIELD_LABELS } from './form-fields.js';
import type { FormErrors, UserFormValues } from './user-form.js';

export interface UsersView {
  readonly users: readonly User[];
  readonly search: string;
  readonly page: number;
  readonly hasNext: boolean;
}

/** `/admin/users/`: the list, with search. */
export function usersPage(visitor: Visitor, view: UsersView): SafeHtml {
  const { root } = visitor;
  const main = html`<h1>Users</h1>
    <form class="search" method="get" action="${root}users/" role="search">
      ${textField({ idPrefix: 'users-', name: 'q', label: 'Search by username, email or name', type: 'search', value: view.search, autocomplete: 'off', required: false })}
      <button type="submit">Search</button>
      ${view.search === '' ? '' : html`<a href="${root}users/">Show all</a>`}
    </form>
    <p><a class="button secondary" href="${root}users/new/">Add a user</a></p>
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
                      <td><a href="${root}users/${user.id}/">${user.username}</a></td>
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
    ${pager(`${root}users/`, view.page, view.hasNext, view.search === '' ? {} : { q: view.search })}`;
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
  const { root } = visitor;
  const main = html`<h1>Add a user</h1>
    ${errorSummary(errors, USER_FIELD_LABELS, p)}
    <form class="stack" method="post" action="${root}users/new/" novalidate>
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
      <div class="actions"><button type="submit">Create user</button> <a href="${root}users/">Cancel</a></div>
    </form>`;
  return adminPage(visitor, 'Add a user', 'new-user', main);
}
