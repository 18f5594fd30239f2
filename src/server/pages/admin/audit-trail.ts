/**
 * What the console writes to its audit trail. Each entry says who (the signed-in staff user, or
 * the username a failed sign-in tried), what (a stable action code with a readable label), to
 * whom, and the details a reviewer needs; never a password, a password hash or a token (a
 * token's `jti` is its public id, not the token).
 */
import { AUTH_ACTIONS, userRefOf, type AuthEventSink, type RequestOrigin, type UserRef } from '../../../model/auth-events.js';
import type { User } from '../../../model/user.js';

/** Every action the console records, with the label the audit page shows. */
export const AUDIT_ACTIONS = {
  'admin.sign_in': 'Signed in',
  'admin.sign_in_failed': 'Sign-in refused',
  'admin.sign_in_throttled': 'Sign-ins refused (throttled)',
  'admin.sign_out': 'Signed out',
  'admin.csrf_refused': 'Request refused (CSRF check)',
  'user.create': 'Created user',
  'user.update': 'Changed user',
  'user.set_password': 'Set password',
  'user.password_reset_mail': 'Sent a password reset mail',
  'user.clear_login_locks': 'Cleared login locks',
  'token.blacklist': 'Blacklisted token',
  'token.blacklist_all': "Blacklisted all of a user's tokens",
  'family.revoke': 'Revoked session (token family)',
  'tokens.flush_expired': 'Flushed expired tokens',
  'user.privileges': "Changed a user's groups and permissions",
  'group.create': 'Created group',
  'group.permissions': "Changed a group's permissions",
  'group.delete': 'Deleted group',
  // Written by `tessera groups` and `tessera permissions` (the CLI), shown here with the rest.
  'group.add_user': 'Added a user to a group',
  'group.remove_user': 'Took a user out of a group',
  'group.grant': 'Granted a group a permission',
  'group.revoke': 'Revoked a group permission',
  'permission.grant': 'Granted a user a permission',
  'permission.revoke': 'Revoked a user permission',
  // Written by `tessera import-django` for each existing user it cut off.
  'user.import_django': 'Changed by an import from Django',
} as const;

/** Every action's label: the console's own and the authentication events (logins, refreshes, keys, ...). */
const ALL_LABELS: Readonly<Record<string, string>> = { ...AUTH_ACTIONS, ...AUDIT_ACTIONS };

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Every known action with its label, for the audit page's filter. */
export function auditActionChoices(): readonly (readonly [string, string])[] {
  return Object.entries(ALL_LABELS);
}

/** The label of an action code (codes written by later versions show as they are). */
export function auditLabel(action: string): string {
  return ALL_LABELS[action] ?? action;
}

export interface AuditEvent {
  /** The staff user acting, or the username a refused sign-in tried. */
  readonly actor: User | { readonly username: string };
  readonly action: AuditAction | 'account.deactivated';
  readonly target?: User | { readonly userId: number | null; readonly label: string };
  readonly detail?: string;
  readonly origin: RequestOrigin;
}

/**
 * Records a console action through the event sink, like every other audit event: a row in the
 * trail, a log line, the app's `onAuditEvent` hook. The acting staff user is the actor; the
 * user acted upon is the event's user, what was acted upon (a jti, a family) its subject.
 */
export async function recordAudit(events: AuthEventSink, event: AuditEvent): Promise<void> {
  const actor = 'id' in event.actor ? userRefOf(event.actor) : undefined;
  let user: UserRef | undefined;
  let subject: string | undefined;
  if (event.target !== undefined) {
    if ('id' in event.target) {
      user = userRefOf(event.target);
    } else {
      user = event.target.userId === null ? undefined : { id: event.target.userId, username: event.target.label };
      subject = event.target.label;
    }
  }
  await events.emit({
    action: event.action,
    actor,
    username: actor === undefined ? event.actor.username : undefined,
    user,
    subject,
    detail: event.detail,
    origin: event.origin,
  });
}
