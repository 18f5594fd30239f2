/**
 * The admin console at `/admin/` (or where an app mounts it): staff sign-in, users, tokens and
 * the audit trail.
 *
 * Every request goes through the same gate, in this order: the store must keep an audit trail
 * (or the console is unavailable rather than unaudited); the session cookie is resolved and its
 * user re-read (active and staff, or the session ends); anonymous visitors are sent to the
 * sign-in page (GET) or refused (POST, 403); every POST passes the CSRF checks (`csrf.ts`);
 * then the route table (`console-routes.ts`) picks the page or action. Every action writes the
 * audit trail. Passwords are read from the form, hashed and forgotten: never logged, never
 * echoed, never audited.
 */
import type { TesseraContext } from '../../../http/context.js';
import { header, type HttpRequest } from '../../../http/http-types.js';
import { htmlResponse, movedPermanently, seeOther, type ConnectionInfo, type PageResponse } from '../page-response.js';
import { SERVER_FRAME, type PageFrame } from '../layout.js';
import { assetUrlsUnder, serveAssetUnder } from '../static/assets.js';
import { messagePage, type ConsolePlace, type Visitor } from './console-layout.js';
import { csrfRefusal, notAllowed } from './console-refusals.js';
import { CONSOLE_ROUTES, dispatchConsole } from './console-routes.js';
import { ConsoleSignIns, SESSION_COOKIE } from './console-sign-ins.js';
import { expiredConsoleCookie, isCookieValue, parseCookies } from './cookies.js';
import { formTokenMatches, isCrossOrigin } from './csrf.js';
import { noticeOf } from './notices.js';
import { loginForm, signIn } from './sign-in.js';
import { queryOf, readForm, recordVisit, safeNext, type Visit } from './visit.js';

/** Where the bundled server serves the console. */
export const DEFAULT_CONSOLE_ROOT = '/admin/';

export interface AdminConsoleOptions {
  /**
   * The path the console answers under, with both slashes (`/admin/`, `/internal/admin/`): its
   * links, redirects and cookies (`Path=`) all start with it. Not `/` itself.
   */
  readonly root?: string;
  /**
   * In an app (an adapter mounts it): the console serves its own stylesheet, script and icon
   * under `<root>static/`, and its pages link to nothing outside it. Otherwise (the bundled
   * server) they link to the server's assets and its browsable API and API reference.
   */
  readonly embedded?: boolean;
}

/** The bundled server's console: at `/admin/`, in the server's frame. */
export const SERVER_CONSOLE: ConsolePlace = { root: DEFAULT_CONSOLE_ROOT, frame: SERVER_FRAME };

function embeddedFrame(root: string): PageFrame {
  return { assets: assetUrlsUnder(`${root}static/`), home: root, sections: [{ section: 'admin', href: root, label: 'Admin console' }] };
}

/** Whether `root` is a path of one or more plain segments with both slashes (`/admin/`, `/a/b/`). */
export function isConsoleRoot(root: string): boolean {
  return /^(\/[A-Za-z0-9._~-]+)+\/$/.test(root);
}

async function currentVisitor(visit: Visit): Promise<Visitor | undefined> {
  const cookieValue = visit.cookies.get(SESSION_COOKIE);
  if (!isCookieValue(cookieValue)) return undefined;
  const session = await visit.signIns.resume(cookieValue, visit.now);
  if (session === undefined) return undefined;
  // Read fresh, not from the per-process cache: a revoked staff member is out at once.
  const user = await visit.store.findUser('id', session.userId);
  if (user === undefined || !user.isActive || !user.isStaff) {
    await visit.signIns.end(session);
    return undefined;
  }
  return { user, session, root: visit.root, frame: visit.frame };
}

/** The sign-in page, and what an anonymous visitor gets anywhere else. */
function anonymous(visit: Visit, visitor: Visitor | undefined, path: string): Promise<PageResponse> | PageResponse {
  const { request, root, connection } = visit;
  const isGet = request.method === 'GET' || request.method === 'HEAD';
  if (path === `${root}login/`) {
    if (isGet) {
      const query = queryOf(request);
      if (visitor !== undefined) return seeOther(safeNext(root, query.get('next')));
      return loginForm(visit, 200, { next: safeNext(root, query.get('next')), notice: noticeOf(query) });
    }
    return request.method === 'POST' ? signIn(visit) : notAllowed(visit, 'GET, HEAD, POST', visitor);
  }
  // A session cookie that no longer names a live session is cleared on the way.
  const clear = visit.cookies.has(SESSION_COOKIE)
    ? [expiredConsoleCookie(SESSION_COOKIE, { path: root, secure: connection.secure })]
    : undefined;
  if (isGet) {
    const response = seeOther(`${root}login/?next=${encodeURIComponent(`${path}${request.search ?? ''}`)}`, clear);
    response.status = 302;
    return response;
  }
  const response = htmlResponse(
    403,
    messagePage(visit, undefined, 'Sign in first', 'Only signed-in staff can do this.', { href: `${root}login/`, label: 'Sign in' }),
  );
  if (clear !== undefined) response.setCookies = clear;
  return response;
}

/**
 * The console as a page handler: answers every path under its root (and the root without its
 * slash, with a redirect), and nothing else.
 */
export function createAdminConsole(
  context: TesseraContext,
  options: AdminConsoleOptions = {},
): (request: HttpRequest, connection: ConnectionInfo) => Promise<PageResponse | undefined> {
  const root = options.root ?? DEFAULT_CONSOLE_ROOT;
  if (!isConsoleRoot(root)) throw new TypeError(`The admin console's root must be a path with both slashes, such as /admin/ (got ${root})`);
  const embedded = options.embedded === true;
  const frame = embedded
    ? embeddedFrame(root)
    : { ...SERVER_FRAME, sections: SERVER_FRAME.sections.map((s) => (s.section === 'admin' ? { ...s, href: root } : s)) };
  const place: ConsolePlace = { root, frame };

  return async (request, connection) => {
    const { path } = request;
    if (path === root.slice(0, -1)) return movedPermanently(request);
    if (!path.startsWith(root)) return undefined;
    if (embedded && path.startsWith(`${root}static/`) && (request.method === 'GET' || request.method === 'HEAD')) {
      const asset = serveAssetUnder(`${root}static/`, request);
      if (asset !== undefined) return asset;
    }
    const { store } = context;
    if (store.audit === undefined || store.consoleSignIns === undefined) {
      return htmlResponse(
        503,
        messagePage(
          place,
          undefined,
          'Admin console unavailable',
          'This server’s store keeps no audit trail, so the admin console is off. The bundled SQLite and PostgreSQL stores have one.',
        ),
      );
    }
    const visit: Visit = {
      context,
      root,
      frame,
      request,
      connection,
      store,
      audit: store.audit,
      signIns: new ConsoleSignIns(store.consoleSignIns),
      now: new Date(context.codec.now()),
      cookies: parseCookies(header(request, 'cookie')),
    };
    const visitor = await currentVisitor(visit);
    if (visitor === undefined || path === `${root}login/`) return anonymous(visit, visitor, path);

    let form = new URLSearchParams();
    if (request.method === 'POST') {
      form = readForm(request);
      if (isCrossOrigin(request) || !formTokenMatches(form, visitor.session.csrfToken)) {
        await recordVisit(visit, { actor: visitor.user, action: 'admin.csrf_refused', detail: `POST ${path}` });
        return csrfRefusal(visit, visitor);
      }
    }
    return dispatchConsole(CONSOLE_ROUTES, path.slice(root.length), { visit, visitor, form });
  };
}
