/**
 * `checkPermissions(tessera, ...classes)`: DRF's permission classes as Hono middleware.
 */
import type { MiddlewareHandler } from 'hono';
import type { Tessera } from '../../app/tessera.js';
import type { RequestUser } from '../../model/request-user.js';
import type { Claims } from '../../tokens/token-codec.js';
import { checkPermissionClasses } from '../check-permissions.js';
import type { PermissionClass } from '../permission-classes.js';
import { tokenHeaderName } from '../shared.js';
import { authenticationRequest, toResponse } from './exchange.js';
import { contextOf } from '../../app/tessera-context.js';

/**
 * What {@link checkPermissions} puts in the context: `c.get('user')` and `c.get('tokenClaims')`
 * when a valid token came (an anonymous request may pass `isAuthenticatedOrReadOnly`, hence
 * possibly undefined; put `authenticate(tessera)` first for a user that is always there).
 */
export type TesseraPermissionVariables = { user: RequestUser | undefined; tokenClaims: Claims | undefined };

/**
 * Middleware that lets the request through only if every permission class allows it (DRF's
 * `permission_classes`), answering DRF's 401 (no credentials, with `WWW-Authenticate`) or 403
 * (`{"detail":"You do not have permission to perform this action."}`). It authenticates the
 * request itself, or reuses what `authenticate(tessera)` set before it.
 *
 * @example
 * ```ts
 * import { checkPermissions, hasPermissions, inGroup, isAdminUser } from 'tessera/hono';
 * app.get('/reports/', checkPermissions(tessera, isAdminUser), (c) => c.json({ by: c.get('user')?.username }));
 * app.post('/posts/', checkPermissions(tessera, hasPermissions('blog.add_post'), inGroup('editors')), handler);
 * ```
 */
export function checkPermissions(
  tessera: Tessera,
  ...classes: PermissionClass[]
): MiddlewareHandler<{ Variables: TesseraPermissionVariables }> {
  const context = contextOf(tessera);
  const headerName = tokenHeaderName(context);
  const list = [...classes];
  return async (c, next) => {
    const user = c.get('user');
    const claims = c.get('tokenClaims');
    const known = user !== undefined && claims !== undefined ? { user, claims } : undefined;
    const outcome = await checkPermissionClasses(context, c.req.header(headerName), authenticationRequest(c), known, list);
    if (!outcome.ok) return toResponse(outcome.response);
    if (outcome.auth !== undefined && known === undefined) {
      c.set('user', outcome.auth.user);
      c.set('tokenClaims', outcome.auth.claims);
    }
    await next();
    return undefined;
  };
}
