/**
 * What the console writes to its audit trail. Each entry says who (the signed-in staff user, or
 * the username a failed sign-in tried), what (a stable action code with a readable label), to
 * whom, and the details a reviewer needs; never a password, a password hash or a token (a
 * token's `jti` is its public id, not the token).
 */
import type { AuditStore } from '../../../model/store.js';
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
  'token.blacklist': 'Blacklisted token',
  'token.blacklist_all': "Blacklisted all of a user's tokens",
  'family.revoke': 'Revoked session (token family)',
  'tokens.flush_expired': 'Flushed expired tokens',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** The label of an action code (codes written by later versions show as they are). */
export function auditLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}

export interface AuditEvent {
  /** The staff user acting, or the username a refused sign-in tried. */
  readonly actor: User | { readonly username: string };
  readonly action: AuditAction;
  readonly target?: User | { readonly userId: number | null; readonly label: string };
  readonly detail?: string;
  readonly ip: string | undefined;
  readonly at: Date;
}

/** Appends `event` to the trail. */
export async function recordAudit(store: AuditStore, event: AuditEvent): Promise<void> {
  const actorId = 'id' in event.actor ? event.actor.id : null;
  let targetUserId: number | null = null;
  let target = '';
  if (event.target !== undefined) {
    if ('id' in event.target) {
      targetUserId = event.target.id;
      target = event.target.username;
    } else {
      targetUserId = event.target.userId;
      target = event.target.label;
    }
  }
  await store.recordAudit({
    at: event.at,
    actorId,
    actorUsername: event.actor.username,
    action: event.action,
    targetUserId,
    target,
    detail: event.detail ?? '',
    ip: event.ip ?? null,
  });
}
