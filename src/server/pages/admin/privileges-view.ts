/**
 * The "Groups and permissions" card of a user's console page and the permission choices the
 * group page shares: Django's `groups` and `user_permissions` fields, as checkboxes, with a
 * field to grant a permission that has no row yet. Read-only for staff without superuser status.
 */
import type { GroupRecord, PermissionRecord } from '../../../model/permissions.js';
import type { User } from '../../../model/user.js';
import { flag, html, type SafeHtml } from '../html.js';
import { csrfField, type Visitor } from './console-layout.js';
import { choiceField, errorSummary, textField } from './form-fields.js';
import { PRIVILEGE_FIELD_LABELS, type PrivilegeChoices } from './privilege-form.js';
import type { FormErrors } from './user-form.js';

/** A form sent back with errors: what was chosen and what is wrong. */
export interface SentPrivileges {
  readonly choices: PrivilegeChoices;
  readonly errors: FormErrors;
}

export interface PrivilegesView {
  /** Every group and every permission row: the choices. */
  readonly groups: readonly GroupRecord[];
  readonly permissions: readonly PermissionRecord[];
  /** The user's groups, direct permissions, and every permission they hold (direct and through groups). */
  readonly userGroups: readonly string[];
  readonly direct: readonly string[];
  readonly effective: readonly string[];
  /** Whether the visitor may change them (superusers only). */
  readonly canChange: boolean;
  /** REVOKE_ON_PRIVILEGE_CHANGE: a change cuts off the tokens issued before it. */
  readonly cutsOff: boolean;
  readonly sent?: SentPrivileges;
}

/** What saving does to tokens, said before the button. */
export function cutOffNote(cutsOff: boolean, whose: string): SafeHtml {
  return html`<p class="muted">
    ${
      cutsOff
        ? `Saving a change cuts off the tokens ${whose} before it (REVOKE_ON_PRIVILEGE_CHANGE): they log in or refresh again.`
        : `Tokens ${whose} keep what they carry until they expire (REVOKE_ON_PRIVILEGE_CHANGE is off); routes that load the user see the change at once, stateless ones do not.`
    }
  </p>`;
}

/** The permission checkboxes (`permission`) and the field to grant a new one (`new_permission`). */
export function permissionChoices(
  idPrefix: string,
  offered: readonly PermissionRecord[],
  checked: readonly string[],
  sent: SentPrivileges | undefined,
): SafeHtml {
  return html`${
    offered.length === 0
      ? html`<p class="muted">No permission exists yet: grant one by name below.</p>`
      : offered.map((permission, index) =>
          choiceField({
            id: `${idPrefix}permission-${index}`,
            name: 'permission',
            value: permission.codename,
            label: permission.codename,
            checked: checked.includes(permission.codename),
            hint: permission.name,
          }),
        )
  }
    ${textField({
      idPrefix,
      name: 'new_permission',
      label: 'Grant another permission',
      value: sent?.choices.newPermission ?? '',
      autocomplete: 'off',
      errors: sent?.errors ?? {},
      hint: 'app_label.codename, such as blog.publish_post; several separated by spaces. Missing permission rows are created as Django would.',
    })}`;
}

export function privilegesSection(visitor: Visitor, user: User, view: PrivilegesView): SafeHtml {
  const p = 'priv-';
  const groups = view.sent?.choices.groups ?? view.userGroups;
  const direct = view.sent?.choices.permissions ?? view.direct;
  const effective = !user.isActive
    ? 'none (inactive users have no permissions)'
    : user.isSuperuser
      ? 'every permission (superuser)'
      : view.effective.length === 0
        ? 'none'
        : view.effective.join(', ');
  return html`<section class="card" aria-labelledby="privileges-heading">
    <h2 id="privileges-heading">Groups and permissions</h2>
    ${errorSummary(view.sent?.errors ?? {}, PRIVILEGE_FIELD_LABELS, p)}
    <dl class="facts">
      <dt>Groups</dt>
      <dd>${view.userGroups.length === 0 ? 'none' : view.userGroups.join(', ')}</dd>
      <dt>Permissions held</dt>
      <dd>${effective}</dd>
    </dl>
    ${view.canChange ? '' : html`<p class="muted">Only a superuser can change groups and permissions.</p>`}
    <form class="stack" method="post" action="${visitor.root}users/${user.id}/privileges/" novalidate>
      ${csrfField(visitor.session)}
      <fieldset${flag('disabled', !view.canChange)}>
        <legend>Groups</legend>
        ${
          view.groups.length === 0
            ? html`<p class="muted">There are no groups yet: <a href="${visitor.root}groups/">create one</a>.</p>`
            : view.groups.map((group, index) =>
                choiceField({
                  id: `${p}group-${index}`,
                  name: 'group',
                  value: group.name,
                  label: group.name,
                  checked: groups.includes(group.name),
                  hint: group.permissions.length === 0 ? 'No permissions.' : group.permissions.join(', '),
                }),
              )
        }
      </fieldset>
      <fieldset${flag('disabled', !view.canChange)}>
        <legend>Permissions granted directly</legend>
        ${permissionChoices(p, view.permissions, direct, view.sent)}
      </fieldset>
      ${view.canChange ? html`${cutOffNote(view.cutsOff, 'this user was issued')}<div class="actions"><button type="submit">Save groups and permissions</button></div>` : ''}
    </form>
  </section>`;
}
