/** The console's pages that only read: the overview, the user list, the new-user form and the audit log. */
import { htmlResponse, type PageResponse } from '../page-response.js';
import { auditPage } from './audit-views.js';
import type { Visitor } from './console-layout.js';
import { noticeOf } from './notices.js';
import { overviewPage } from './overview-view.js';
import { newUserPage, usersPage } from './users-views.js';
import { pageNumber, queryOf, type Visit } from './visit.js';

const PAGE_SIZE = 50;

/** `GET /admin/`. */
export async function showOverview(visit: Visit, visitor: Visitor): Promise<PageResponse> {
  const recent = await visit.audit.listAudit({ limit: 10 });
  return htmlResponse(200, overviewPage(visitor, { recent, notice: noticeOf(queryOf(visit.request)) }));
}

/** `GET /admin/users/?q=&page=`. */
export async function listUsers(visit: Visit, visitor: Visitor): Promise<PageResponse> {
  const query = queryOf(visit.request);
  const page = pageNumber(query);
  const search = (query.get('q') ?? '').trim().slice(0, 150);
  const users = await visit.store.listUsers({ search, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return htmlResponse(200, usersPage(visitor, { users: users.slice(0, PAGE_SIZE), search, page, hasNext: users.length > PAGE_SIZE }));
}

/** `GET /admin/users/new/`. */
export function showNewUser(_visit: Visit, visitor: Visitor): Promise<PageResponse> {
  return Promise.resolve(htmlResponse(200, newUserPage(visitor, {})));
}

/** `GET /admin/audit/?action=&user=&page=`. */
export async function listAudit(visit: Visit, visitor: Visitor): Promise<PageResponse> {
  const query = queryOf(visit.request);
  const page = pageNumber(query);
  const action = (query.get('action') ?? '').slice(0, 64);
  const userText = query.get('user') ?? '';
  const userId = /^\d{1,9}$/.test(userText) ? Number(userText) : undefined;
  const entries = await visit.audit.listAudit({
    limit: PAGE_SIZE + 1,
    offset: (page - 1) * PAGE_SIZE,
    ...(action === '' ? {} : { action }),
    ...(userId === undefined ? {} : { targetUserId: userId }),
  });
  return htmlResponse(
    200,
    auditPage(visitor, { entries: entries.slice(0, PAGE_SIZE), page, hasNext: entries.length > PAGE_SIZE, action, userId }),
  );
}
