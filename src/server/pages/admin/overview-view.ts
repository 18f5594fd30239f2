/** `/admin/`: search, maintenance and the latest activity. */
import type { AuditEntry } from '../../../model/store.js';
import { html, type SafeHtml } from '../html.js';
import { auditTable } from './audit-views.js';
import { adminPage, csrfField, noticeBox, type Notice, type Visitor } from './console-layout.js';
import { textField } from './form-fields.js';

export interface OverviewView {
  readonly recent: readonly AuditEntry[];
  readonly notice?: Notice;
}

/** `/admin/`: search, maintenance and the latest activity. */
export function overviewPage(visitor: Visitor, view: OverviewView): SafeHtml {
  const { root } = visitor;
  const main = html`<h1>Admin console</h1>
    ${noticeBox(view.notice)}
    <div class="split">
      <section class="card" aria-labelledby="find-heading">
        <h2 id="find-heading">Find a user</h2>
        <form class="search" method="get" action="${root}users/" role="search">
          ${textField({ idPrefix: 'overview-', name: 'q', label: 'Username, email or name', type: 'search', autocomplete: 'off', required: true })}
          <button type="submit">Search</button>
        </form>
        <p><a class="button secondary" href="${root}users/new/">Add a user</a></p>
      </section>
      <section class="card" aria-labelledby="maintenance-heading">
        <h2 id="maintenance-heading">Maintenance</h2>
        <p>
          Expired tokens can no longer be used; flushing deletes their records (and their blacklist entries), as
          <code>tessera flushexpiredtokens</code> does.
        </p>
        <form method="post" action="${root}tokens/flush-expired/" data-confirm="Delete the records of every expired token?">
          ${csrfField(visitor.session)}
          <button type="submit" class="secondary">Flush expired tokens</button>
        </form>
      </section>
    </div>
    <section aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent activity</h2>
      ${auditTable(root, view.recent, 'The latest entries of the audit log')}
      <p><a href="${root}audit/">The whole audit log</a></p>
    </section>`;
  return adminPage(visitor, 'Overview', 'overview', main);
}
