/**
 * `app.checkPermissions(...classes)`: DRF's permission classes as a Fastify preHandler. It
 * authenticates the request itself (a request without credentials is anonymous, a bad token a
 * 401), or reuses what `app.authenticate` found earlier in the same preHandler list, then asks
 * every class; refusals are thrown like `app.authenticate`'s, so `setErrorHandler` sees them.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Tessera } from '../../app/tessera.js';
import type { AuthenticationRequest } from '../../http/cookie-authentication.js';
import type { RequestUser } from '../../model/request-user.js';
import type { Claims } from '../../tokens/token-codec.js';
import { checkPermissionClasses } from '../check-permissions.js';
import type { PermissionClass } from '../permission-classes.js';
import { refusalToThrow } from './refusals.js';
import { filledSlot } from './request-slots.js';
import { contextOf } from '../../app/tessera-context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A preHandler that lets the request through only if every permission class allows it
     * (DRF's `permission_classes`), answering DRF's 401 (no credentials, with
     * `WWW-Authenticate`) or 403 (`{"detail":"You do not have permission to perform this
     * action."}`). It sets `request.user` and `request.tokenClaims` when a valid token came.
     *
     * @example
     * ```ts
     * import { hasPermissions, isAdminUser } from 'tessera/fastify';
     * app.get('/reports/', { preHandler: app.checkPermissions(isAdminUser) }, async (request) => ({ by: request.user.username }));
     * app.post('/posts/', { preHandler: app.checkPermissions(hasPermissions('blog.add_post')) }, handler);
     * ```
     */
    checkPermissions(...classes: PermissionClass[]): preHandlerAsyncHookHandler;
  }
}

/** What the plugin knows how to read from a request. */
export interface RequestReading {
  readonly header: string | undefined;
  readonly request: AuthenticationRequest;
  /** Reports an unexpected error when the app's logger would not, then rethrows it. */
  readonly reportUnlogged: (error: unknown) => never;
}

/**
 * Decorates `app` with `checkPermissions`.
 *
 * @example
 * ```ts
 * decoratePermissionChecks(app, tessera, (request) => ({ header, request: authenticationRequest(request), reportUnlogged }));
 * ```
 */
export function decoratePermissionChecks(app: FastifyInstance, tessera: Tessera, read: (request: FastifyRequest) => RequestReading): void {
  const context = contextOf(tessera);
  app.decorate('checkPermissions', (...classes: PermissionClass[]): preHandlerAsyncHookHandler => {
    const list = [...classes];
    return async (request: FastifyRequest) => {
      const reading = read(request);
      const user = filledSlot(request, 'user') as RequestUser | undefined;
      const known = user === undefined ? undefined : { user, claims: filledSlot(request, 'tokenClaims') as Claims };
      const outcome = await checkPermissionClasses(context, reading.header, reading.request, known, list).catch(reading.reportUnlogged);
      if (!outcome.ok) throw refusalToThrow(request, outcome.error, outcome.response);
      if (outcome.auth !== undefined && known === undefined) {
        request.user = outcome.auth.user;
        request.tokenClaims = outcome.auth.claims;
      }
    };
  });
}
