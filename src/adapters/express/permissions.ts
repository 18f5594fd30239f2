/**
 * `checkPermissions(tessera, ...classes)`: DRF's permission classes as Express middleware.
 */
import type { Request, RequestHandler } from 'express';
import type { Tessera } from '../../app/tessera.js';
import { checkPermissionClasses } from '../check-permissions.js';
import type { PermissionClass } from '../permission-classes.js';
import { firstHeader, tokenHeaderName, type AuthenticatedValues } from '../shared.js';
import { authenticationRequest, continueAfter } from './exchange.js';
import { contextOf } from '../../app/tessera-context.js';

/**
 * Middleware that lets the request through only if every permission class allows it (DRF's
 * `permission_classes`), answering DRF's 401 (no credentials, with `WWW-Authenticate`) or 403
 * (`{"detail":"You do not have permission to perform this action."}`). It authenticates the
 * request itself, or reuses what `authenticate(tessera)` found before it; when a valid token
 * came it sets `res.locals.user` / `res.locals.tokenClaims` (and `req.user`, `req.tokenClaims`).
 * Used alone, `res.locals.user` is typed as possibly undefined (an anonymous request may pass
 * `isAuthenticatedOrReadOnly`); put `authenticate(tessera)` first for a user that is always there.
 *
 * @example
 * ```ts
 * import { authenticate, checkPermissions, hasPermissions, isAdminUser } from 'tessera/express';
 * app.get('/reports/', checkPermissions(tessera, isAdminUser), (req, res) => res.json({ ok: true }));
 * app.post('/posts/', authenticate(tessera), checkPermissions(tessera, hasPermissions('blog.add_post')), (req, res) => {
 *   res.json({ by: res.locals.user.username });
 * });
 * ```
 */
export function checkPermissions(
  tessera: Tessera,
  ...classes: PermissionClass[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Express's own defaults for the bodies
): RequestHandler<Request['params'], any, any, Request['query'], Partial<AuthenticatedValues>> {
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);
  const list = [...classes];
  return (req, res, next) => {
    const known =
      res.locals.user !== undefined && res.locals.tokenClaims !== undefined
        ? { user: res.locals.user, claims: res.locals.tokenClaims }
        : undefined;
    const decision = checkPermissionClasses(context, firstHeader(req.headers[headerName]), authenticationRequest(req), known, list);
    continueAfter(decision, res, next, ({ auth }) => {
      if (auth === undefined || known !== undefined) return;
      req.user = auth.user;
      req.tokenClaims = auth.claims;
      res.locals.user = auth.user;
      res.locals.tokenClaims = auth.claims;
    });
  };
}
