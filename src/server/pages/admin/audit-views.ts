/** The audit trail as the console shows it: the table (also on the overview and user pages) and `/admin/audit/`. */
import type { AuditEntry } from '../../../model/store.js';
import { flag, html, type SafeHtml } from '../html.js';
import { auditActionChoices, auditLabel } from './audit-trail.js';
import { adminPage, pager, timeOf, type Visitor } from './console-layout.js';

/** Entries, newest first; a target user links to their page under `root`. */
export function auditTable(root: string, entries: readonly AuditEntry[], caption: string): SafeHtml {
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
                ${entry.targetUserId === null ? entry.target : html`<a href="${root}users/${entry.targetUserId}/">${entry.target}</a>`}
              </td>
              <td>${entry.detail}</td>
              <td class="nowrap">${entry.ip ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
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
function auditFilter(root: string, view: AuditView): SafeHtml {
  return html`<form class="search" method="get" action="${root}audit/" role="search">
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
    ${view.action === '' && view.userId === undefined ? '' : html`<a href="${root}audit/">Show all</a>`}
  </form>`;
}

/** `/admin/audit/`: the whole trail, newest first. */
export function auditPage(visitor: Visitor, view: AuditView): SafeHtml {
  const { root } = visitor;
  const main = html`<h1>Audit log</h1>
    <p class="lede">
      Every login, failed login, logout, refresh-token reuse, key change, and every change made in this console: who, what, when and from
      where. Passwords and tokens are never recorded.
    </p>
    ${auditFilter(root, view)} ${auditTable(root, view.entries, 'Audit log, newest first')}
    ${pager(`${root}audit/`, view.page, view.hasNext, {
      ...(view.action === '' ? {} : { action: view.action }),
      ...(view.userId === undefined ? {} : { user: String(view.userId) }),
    })}`;
  return adminPage(visitor, 'Audit log', 'audit', main);
}
