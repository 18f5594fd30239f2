/**
 * The listeners behind `AuthEventSink`, wired by the composition root: every event moves its
 * metric; audited events also become a row in the audit table, a structured log line and a
 * call to the app's `onAuditEvent` hook, in that order. A failing listener never fails the
 * request: it is logged (and counted), and the others still run.
 */
import type { Logger } from '../model/logger.js';
import type { AuditEntry } from '../model/store.js';
import { isAudited, type AuditRecord, type AuthEvent, type AuthEventSink, type EventDetail } from '../model/auth-events.js';
import type { TesseraMetrics } from './metrics.js';

/** Called with every audited event once it is stored; errors are logged, never thrown back. */
export type AuditHook = (record: AuditRecord) => void | Promise<void>;

/** Longest attempted username kept (Django's username limit): the field is whatever a client sent. */
const MAX_NAME_LENGTH = 150;

/**
 * The audit row of an event. The account concerned is the target; whoever acted (a staff user,
 * or the user themself) is the actor; the subject (jti, family, key id) is the target's label.
 */
export function auditRowOf(record: AuditRecord): Omit<AuditEntry, 'id'> {
  // A named attempt (`username`: a failed sign-in) has no actor account, even when it names a user.
  const actor = record.actor ?? (record.username === undefined ? record.user : undefined);
  return {
    at: record.at,
    actorId: actor?.id ?? null,
    actorUsername: (actor?.username ?? record.username ?? '').slice(0, MAX_NAME_LENGTH),
    action: record.action,
    targetUserId: record.user?.id ?? null,
    target: record.subject ?? record.user?.username ?? '',
    detail: detailText(record.detail),
    ip: record.origin?.ip ?? null,
  };
}

/** `reason=inactive revoked_tokens=3`: the detail as the console shows it. */
export function detailText(detail: EventDetail | string | undefined): string {
  if (detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}

/** The fields of an audit log line: flat, snake_case, identifiers only. */
function logFieldsOf(record: AuditRecord): Record<string, unknown> {
  return {
    audit: {
      action: record.action,
      at: record.at.toISOString(),
      user_id: record.user?.id,
      username: record.user?.username ?? record.username?.slice(0, MAX_NAME_LENGTH),
      actor_id: record.actor?.id,
      subject: record.subject,
      detail: record.detail,
      ip: record.origin?.ip,
      request_id: record.origin?.requestId,
    },
  };
}

export interface EventSinkOptions {
  readonly metrics?: TesseraMetrics | undefined;
  /** Where audit rows go; without one (your own store) events are still logged and hooked. */
  readonly recordAudit?: ((row: Omit<AuditEntry, 'id'>) => Promise<void>) | undefined;
  readonly log: Logger;
  readonly onAuditEvent?: AuditHook | undefined;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * The sink use cases emit into.
 *
 * @example
 * ```ts
 * const events = createEventSink({ metrics, recordAudit: (row) => store.recordAudit(row), log, onAuditEvent });
 * await events.emit({ action: 'logout', user: { id: 1, username: 'alice' }, subject: jti });
 * ```
 */
export function createEventSink(options: EventSinkOptions): AuthEventSink {
  const { metrics, recordAudit, log, onAuditEvent } = options;
  const now = options.now ?? Date.now;

  const audit = async (event: AuthEvent): Promise<void> => {
    const record: AuditRecord = { ...event, at: new Date(now()) };
    if (recordAudit !== undefined) {
      try {
        await recordAudit(auditRowOf(record));
      } catch (error) {
        metrics?.auditWriteFailed();
        log.error(`audit: could not store ${record.action}`, error);
      }
    }
    log.info('audit', logFieldsOf(record));
    if (onAuditEvent !== undefined) {
      try {
        await onAuditEvent(record);
      } catch (error) {
        log.error(`audit: the onAuditEvent hook failed for ${record.action}`, error);
      }
    }
  };

  return {
    emit(event) {
      metrics?.observeEvent(event);
      return isAudited(event.action) ? audit(event) : undefined;
    },
    passwordHashed(operation, seconds) {
      metrics?.observePasswordHash(operation, seconds);
    },
  };
}
