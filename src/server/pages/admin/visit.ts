/**
 * One request to the console, as its handlers see it: the request, the store and its audit
 * trail, the sign-ins, the clock read once, the cookies, and where the console is mounted. And
 * the small readers every handler shares (form, query, page number).
 */
import type { TesseraContext } from '../../../http/context.js';
import { header, type HttpRequest } from '../../../http/http-types.js';
import { originOf } from '../../../http/request-origin.js';
import type { AuditTrail, Store } from '../../../model/store.js';
import type { User } from '../../../model/user.js';
import type { ConnectionInfo } from '../page-response.js';
import { recordAudit, type AuditEvent } from './audit-trail.js';
import type { ConsolePlace } from './console-layout.js';
import type { ConsoleSignIns } from './console-sign-ins.js';

export interface Visit extends ConsolePlace {
  readonly context: TesseraContext;
  readonly request: HttpRequest;
  readonly connection: ConnectionInfo;
  readonly store: Store;
  readonly audit: AuditTrail;
  readonly signIns: ConsoleSignIns;
  readonly now: Date;
  readonly cookies: Map<string, string>;
}

/** Writes `event` to the audit trail, with the request's origin (address, user agent). */
export function recordVisit(visit: Visit, event: Omit<AuditEvent, 'origin'>): Promise<void> {
  return recordAudit(visit.context.events, { ...event, origin: originOf(visit.request) });
}

/**
 * Whether `actor` may change `target`: superusers may change anyone; other staff may change
 * themselves and accounts without staff or superuser status (no staff member can take over
 * another's account, or a superuser's).
 */
export function mayManage(actor: User, target: User): boolean {
  return actor.isSuperuser || actor.id === target.id || (!target.isStaff && !target.isSuperuser);
}

/** Where to go after signing in: only a console page, never another site (`//evil`, `/\evil`). */
export function safeNext(root: string, next: string | null | undefined): string {
  if (next === null || next === undefined || !next.startsWith(root) || !/^[A-Za-z0-9/_?=&%.+-]*$/.test(next.slice(root.length)))
    return root;
  if (next.startsWith(`${root}login/`) || next.startsWith(`${root}logout/`)) return root;
  return next;
}

/** The form of a POST (urlencoded; any other body reads as an empty form). */
export function readForm(request: HttpRequest): URLSearchParams {
  const type = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' ? new URLSearchParams(request.body.toString('utf8')) : new URLSearchParams();
}

export function queryOf(request: HttpRequest): URLSearchParams {
  return new URLSearchParams((request.search ?? '').replace(/^\?/, ''));
}

/** `?page=`, 1 when absent or out of range. */
export function pageNumber(query: URLSearchParams): number {
  const page = Number(query.get('page') ?? '1');
  return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/** `1 token`, `2 tokens`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
