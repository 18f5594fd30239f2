/**
 * The frame of every console page: who is signed in, the console's navigation, notices, the
 * pager, and the page that only says something. Pure rendering, as are all the `*-view(s).ts`
 * files: every value comes in through the arguments, every form carries the session's CSRF token,
 * and every link starts at the console's root (`/admin/`, or where an app mounted it).
 */
import type { ConsoleSignIn } from '../../../model/store.js';
import type { User } from '../../../model/user.js';
import { html, type SafeHtml } from '../html.js';
import { renderPage, type PageFrame } from '../layout.js';

/** Where the console is: its path, and the frame its pages link to (assets, sections). */
export interface ConsolePlace {
  /** The console's path, with both slashes (`/admin/`): every link starts with it. */
  readonly root: string;
  readonly frame: PageFrame;
}

/** A signed-in staff member and their session, at a console's place. */
export interface Visitor extends ConsolePlace {
  readonly user: User;
  readonly session: ConsoleSignIn;
}

/** A notice shown once after an action (success or not). */
export interface Notice {
  readonly kind: 'success' | 'warning' | 'error';
  readonly text: string;
}

/** The console's areas; the navigation marks the current one. */
export type AdminArea = 'overview' | 'users' | 'new-user' | 'groups' | 'audit';

/** `2026-11-23 10:14:34 UTC`, in a `<time>` machines can read. */
export function timeOf(date: Date | null): SafeHtml {
  if (date === null) return html`<span class="muted">never</span>`;
  const iso = date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC</time>`;
}

/** The hidden field that carries the session's CSRF token. */
export function csrfField(session: ConsoleSignIn): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${session.csrfToken}" />`;
}

export function yesNo(value: boolean): SafeHtml {
  return value ? html`<span class="badge yes">Yes</span>` : html`<span class="badge no">No</span>`;
}

export function noticeBox(notice: Notice | undefined): SafeHtml {
  if (notice === undefined) return html``;
  return html`<div class="message ${notice.kind}" role="${notice.kind === 'success' ? 'status' : 'alert'}"><p>${notice.text}</p></div>`;
}

function adminNav(root: string, area: AdminArea | undefined): SafeHtml {
  const links: readonly [AdminArea, string, string][] = [
    ['overview', root, 'Overview'],
    ['users', `${root}users/`, 'Users'],
    ['new-user', `${root}users/new/`, 'Add user'],
    ['groups', `${root}groups/`, 'Groups'],
    ['audit', `${root}audit/`, 'Audit log'],
  ];
  return html`<nav class="sidebar" aria-labelledby="admin-nav-heading">
<h2 id="admin-nav-heading">Admin console</h2>
<ul>${links.map(([key, href, label]) => html`<li><a href="${href}"${key === area ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul>
</nav>`;
}

function signedInAs(visitor: Visitor): SafeHtml {
  return html`<div class="session">
    <span>Signed in as <strong>${visitor.user.username}</strong></span>
    <form method="post" action="${visitor.root}logout/">
      ${csrfField(visitor.session)}<button type="submit" class="link">Sign out</button>
    </form>
  </div>`;
}

/** A page of the signed-in console: navigation, who is signed in, and `main`. */
export function adminPage(visitor: Visitor, title: string, area: AdminArea | undefined, main: SafeHtml): SafeHtml {
  return renderPage({
    title: `${title} · Admin`,
    section: 'admin',
    main,
    sidebar: adminNav(visitor.root, area),
    headerEnd: signedInAs(visitor),
    frame: visitor.frame,
  });
}

/** A page that only says something (refusals, errors); `visitor` when someone is signed in. */
export function messagePage(
  place: ConsolePlace,
  visitor: Visitor | undefined,
  title: string,
  text: string,
  link?: { href: string; label: string },
): SafeHtml {
  const main = html`<div class="narrow"><h1>${title}</h1><p>${text}</p>${link === undefined ? '' : html`<p><a href="${link.href}">${link.label}</a></p>`}</div>`;
  return visitor === undefined
    ? renderPage({ title, section: 'admin', main, frame: place.frame })
    : adminPage(visitor, title, undefined, main);
}

/** Previous and next links of a list, keeping its filters (`extra`). */
export function pager(basePath: string, page: number, hasNext: boolean, extra: Record<string, string> = {}): SafeHtml {
  const link = (target: number): string => {
    const params = new URLSearchParams({ ...extra, page: String(target) });
    return `${basePath}?${params.toString()}`;
  };
  if (page <= 1 && !hasNext) return html``;
  return html`<nav class="pager" aria-label="Pages">
${page > 1 ? html`<a href="${link(page - 1)}">Previous page</a>` : ''}
<span>Page ${page}</span>
${hasNext ? html`<a href="${link(page + 1)}">Next page</a>` : ''}
</nav>`;
}
