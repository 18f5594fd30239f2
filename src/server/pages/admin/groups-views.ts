/** `/admin/groups/` (the list, and a form to create one) and `/admin/groups/<id>/` (members, permissions, delete). */
import type { GroupRecord, PermissionRecord } from '../../../model/permissions.js';
import type { User } from '../../../model/user.js';
import { html, type SafeHtml } from '../html.js';
import { adminPage, csrfField, noticeBox, type Notice, type Visitor } from './console-layout.js';
import { errorSummary, textField } from './form-fields.js';
import { PRIVILEGE_FIELD_LABELS } from './privilege-form.js';
import { cutOffNote, permissionChoices, type SentPrivileges } from './privileges-view.js';
import type { FormErrors } from './user-form.js';

export interface GroupsView {
  readonly groups: readonly GroupRecord[];
  /** Whether the visitor may create groups (superusers only). */
  readonly canChange: boolean;
  readonly notice?: Notice;
  /** The create form sent back with errors. */
  readonly sent?: { readonly name: string; readonly errors: FormErrors };
}

/** `/admin/groups/`. */
export function groupsPage(visitor: Visitor, view: GroupsView): SafeHtml {
  const { root } = visitor;
  const errors = view.sent?.errors ?? {};
  const main = html`<h1>Groups</h1>
    ${noticeBox(view.notice)}
    <p class="muted">Django's groups: a user in a group has its permissions. Set a user's groups on their page.</p>
    ${
      view.groups.length === 0
        ? html`<p role="status">There are no groups yet.</p>`
        : html`<div class="table-wrap">
          <table>
            <caption>All groups</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Members</th>
                <th scope="col">Permissions</th>
              </tr>
            </thead>
            <tbody>
              ${view.groups.map(
                (group) =>
                  html`<tr>
                    <td><a href="${root}groups/${group.id}/">${group.name}</a></td>
                    <td>${group.members}</td>
                    <td>${group.permissions.length === 0 ? html`<span class="muted">none</span>` : group.permissions.join(', ')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`
    }
    ${
      view.canChange
        ? html`<section class="card" aria-labelledby="new-group-heading">
          <h2 id="new-group-heading">Add a group</h2>
          ${errorSummary(errors, PRIVILEGE_FIELD_LABELS, 'group-')}
          <form class="stack" method="post" action="${root}groups/" novalidate>
            ${csrfField(visitor.session)}
            ${textField({ idPrefix: 'group-', name: 'name', label: 'Name', value: view.sent?.name ?? '', autocomplete: 'off', errors, required: true, hint: '150 characters or fewer.' })}
            <div class="actions"><button type="submit">Create group</button></div>
          </form>
        </section>`
        : html`<p class="muted">Only a superuser can create, change or delete groups.</p>`
    }`;
  return adminPage(visitor, 'Groups', 'groups', main);
}

export interface GroupView {
  readonly group: GroupRecord;
  /** Its members (the first ones, when there are many). */
  readonly members: readonly User[];
  /** Every permission row: the choices. */
  readonly permissions: readonly PermissionRecord[];
  readonly canChange: boolean;
  /** REVOKE_ON_PRIVILEGE_CHANGE. */
  readonly cutsOff: boolean;
  readonly notice?: Notice;
  readonly sent?: SentPrivileges;
}

/** `/admin/groups/<id>/`. */
export function groupPage(visitor: Visitor, view: GroupView): SafeHtml {
  const { root } = visitor;
  const { group } = view;
  const base = `${root}groups/${group.id}/`;
  const p = 'grp-';
  const checked = view.sent?.choices.permissions ?? group.permissions;
  const main = html`<h1>Group ${group.name}</h1>
    ${noticeBox(view.notice)}
    <p><a href="${root}groups/">All groups</a></p>
    <div class="split">
      <section class="card" aria-labelledby="group-permissions-heading">
        <h2 id="group-permissions-heading">Permissions</h2>
        ${errorSummary(view.sent?.errors ?? {}, PRIVILEGE_FIELD_LABELS, p)}
        ${
          view.canChange
            ? html`<form class="stack" method="post" action="${base}" novalidate>
              ${csrfField(visitor.session)}
              <fieldset>
                <legend>Permissions of ${group.name}</legend>
                ${permissionChoices(p, view.permissions, checked, view.sent)}
              </fieldset>
              ${cutOffNote(view.cutsOff, 'its members were issued')}
              <div class="actions"><button type="submit">Save permissions</button></div>
            </form>`
            : html`<p>${group.permissions.length === 0 ? 'none' : group.permissions.join(', ')}</p>
              <p class="muted">Only a superuser can change groups and permissions.</p>`
        }
      </section>
      <section class="card" aria-labelledby="group-members-heading">
        <h2 id="group-members-heading">Members (${group.members})</h2>
        ${
          view.members.length === 0
            ? html`<p class="muted">Nobody is in this group. Add users on their pages.</p>`
            : html`<ul>
              ${view.members.map((user) => html`<li><a href="${root}users/${user.id}/">${user.username}</a></li>`)}
            </ul>`
        }
        ${group.members > view.members.length ? html`<p class="muted">And ${group.members - view.members.length} more.</p>` : ''}
      </section>
    </div>
    ${
      view.canChange
        ? html`<section class="card" aria-labelledby="group-delete-heading">
          <h2 id="group-delete-heading">Delete this group</h2>
          <form class="stack" method="post" action="${base}delete/">
            ${csrfField(visitor.session)}
            <p class="muted">Its members lose its permissions.${view.cutsOff && group.members > 0 ? ' Their tokens issued before are cut off.' : ''}</p>
            <div class="actions"><button type="submit" class="danger">Delete group ${group.name}</button></div>
          </form>
        </section>`
        : ''
    }`;
  return adminPage(visitor, `Group ${group.name}`, 'groups', main);
}
