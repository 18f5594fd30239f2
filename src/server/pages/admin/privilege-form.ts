/**
 * The console's forms of groups and permissions: the checked groups and permissions (each must
 * be one the page offered, as Django's admin refuses an unknown choice), permissions typed in to
 * create (`app_label.codename`), group names, and what a change adds and removes.
 */
import { splitPermission, type GroupRecord, type PermissionRecord } from '../../../model/permissions.js';
import { hasControlCharacters } from '../../../model/usernames.js';
import { CONTROL_CHARACTER_MESSAGE, type FormErrors } from './user-form.js';

/** The labels of these forms' fields, for the error summary. */
export const PRIVILEGE_FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  group: 'Groups',
  permission: 'Permissions',
  new_permission: 'Grant another permission',
};

/** Django's `Group.name` max_length. */
const MAX_GROUP_NAME = 150;

/** What was chosen, as the form is sent back when it has errors. */
export interface PrivilegeChoices {
  readonly groups: readonly string[];
  readonly permissions: readonly string[];
  /** What was typed in `new_permission`, as typed. */
  readonly newPermission: string;
}

/** Django's message for a choice the form did not offer. */
function invalidChoices(chosen: readonly string[], offered: ReadonlySet<string>): string[] {
  return chosen
    .filter((value) => !offered.has(value))
    .map((value) => `Select a valid choice. ${value} is not one of the available choices.`);
}

/**
 * The groups and permissions a form asks for: the checked ones (only among `groups` and
 * `permissions`, which the page offered) and those typed in `new_permission` (several may be
 * separated by spaces or commas; rows are created for unknown ones, as the CLI does).
 */
export function readPrivilegeChoices(
  form: URLSearchParams,
  offered: { readonly groups: readonly GroupRecord[]; readonly permissions: readonly PermissionRecord[] },
): { choices: PrivilegeChoices; errors: FormErrors } {
  const groups = [...new Set(form.getAll('group'))];
  const checked = [...new Set(form.getAll('permission'))];
  const newPermission = form.get('new_permission') ?? '';
  const typed = newPermission.split(/[\s,]+/).filter((name) => name !== '');
  const errors: FormErrors = {
    group: invalidChoices(groups, new Set(offered.groups.map((group) => group.name))),
    permission: invalidChoices(checked, new Set(offered.permissions.map((permission) => permission.codename))),
    new_permission: hasControlCharacters(newPermission)
      ? [CONTROL_CHARACTER_MESSAGE]
      : typed.some((name) => splitPermission(name) === undefined)
        ? ['Name each permission app_label.codename, such as blog.publish_post.']
        : [],
  };
  return { choices: { groups, permissions: [...new Set([...checked, ...typed])], newPermission }, errors };
}

/** A group name as typed, trimmed (Django's CharField), with its errors. */
export function readGroupName(form: URLSearchParams): { name: string; errors: FormErrors } {
  const name = (form.get('name') ?? '').trim();
  const errors: FormErrors = {};
  if (hasControlCharacters(name)) errors.name = [CONTROL_CHARACTER_MESSAGE];
  else if (name === '') errors.name = ['This field is required.'];
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points, as Django's max_length counts them
  else if ([...name].length > MAX_GROUP_NAME) errors.name = [`Ensure this value has at most ${MAX_GROUP_NAME} characters.`];
  return { name, errors };
}

/** What going from `before` to `after` adds and removes. */
export interface SetChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export function setChange(before: readonly string[], after: readonly string[]): SetChange {
  return { added: after.filter((item) => !before.includes(item)).sort(), removed: before.filter((item) => !after.includes(item)).sort() };
}

/** `groups: +editors, −chiefs` for the audit trail; empty when nothing changed. */
export function describeChange(label: string, change: SetChange): string {
  const items = [...change.added.map((item) => `+${item}`), ...change.removed.map((item) => `−${item}`)];
  return items.length === 0 ? '' : `${label}: ${items.join(', ')}`;
}
