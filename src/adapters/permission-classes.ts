/**
 * DRF's permission classes, the same in every adapter: `isAuthenticated`, `isAdminUser`,
 * `isAuthenticatedOrReadOnly`, `hasPermissions(...)`, `inGroup(...)`. Each adapter turns a list
 * of them into its own idiom (Fastify's `app.checkPermissions(...)` preHandler, Express and Hono
 * middleware `checkPermissions(tessera, ...)`); the decision and the answers are made in
 * `check-permissions.ts`, so the three cannot differ.
 *
 * As in DRF (`APIView.check_permissions`), a request passes only if every class allows it; a
 * refusal is 401 "Authentication credentials were not provided." (with `WWW-Authenticate`) when
 * the request carried no credentials, else 403 "You do not have permission to perform this
 * action." (or the class's `message`). A token that is present but bad is a 401 before any
 * class is asked, as DRF's authentication raises it first.
 */
import type { RequestUser } from '../model/request-user.js';

/** What a permission class sees of a request: its method and its user (`undefined` when anonymous). */
export interface PermissionRequest {
  readonly method: string;
  readonly user: RequestUser | undefined;
}

/**
 * A DRF permission class: `hasPermission` is DRF's `has_permission(request, view)`; `message`
 * replaces DRF's default 403 detail when set.
 *
 * @example
 * ```ts
 * const isOwnerOfTheBlog: PermissionClass = { hasPermission: ({ user }) => user?.username === 'ana' };
 * ```
 */
export interface PermissionClass {
  hasPermission(request: PermissionRequest): boolean;
  readonly message?: string;
}

/** DRF's `SAFE_METHODS`. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * DRF's `AllowAny`: everyone passes (the user is still authenticated when a token came).
 *
 * @example
 * ```ts
 * app.get('/feed/', { preHandler: app.checkPermissions(allowAny) }, handler);
 * ```
 */
export const allowAny: PermissionClass = Object.freeze({ hasPermission: () => true });

/**
 * DRF's `IsAuthenticated`: any authenticated (active) user.
 *
 * @example
 * ```ts
 * app.get('/me/', { preHandler: app.checkPermissions(isAuthenticated) }, handler);
 * ```
 */
export const isAuthenticated: PermissionClass = Object.freeze({ hasPermission: ({ user }: PermissionRequest) => user !== undefined });

/**
 * DRF's `IsAdminUser`: staff users only (`is_staff`).
 *
 * @example
 * ```ts
 * router.get('/reports/', checkPermissions(tessera, isAdminUser), handler);
 * ```
 */
export const isAdminUser: PermissionClass = Object.freeze({ hasPermission: ({ user }: PermissionRequest) => user?.isStaff === true });

/**
 * DRF's `IsAuthenticatedOrReadOnly`: anyone may GET, HEAD or OPTIONS; other methods need an
 * authenticated user.
 *
 * @example
 * ```ts
 * app.on(['GET', 'POST'], '/posts/', checkPermissions(tessera, isAuthenticatedOrReadOnly), handler);
 * ```
 */
export const isAuthenticatedOrReadOnly: PermissionClass = Object.freeze({
  hasPermission: ({ method, user }: PermissionRequest) => SAFE_METHODS.has(method.toUpperCase()) || user !== undefined,
});

/**
 * Django's `user.has_perms([...])` as a permission class (DRF's `DjangoModelPermissions`
 * without the model): the user has every one of these `'app_label.codename'` permissions,
 * directly or through a group; an active superuser has them all.
 *
 * @example
 * ```ts
 * app.post('/posts/', { preHandler: app.checkPermissions(hasPermissions('blog.add_post')) }, handler);
 * ```
 */
export function hasPermissions(...permissions: string[]): PermissionClass {
  return Object.freeze({ hasPermission: ({ user }: PermissionRequest) => user?.hasPermissions(...permissions) === true });
}

/**
 * The user is in at least one of these groups (by name).
 *
 * @example
 * ```ts
 * app.get('/desk/', checkPermissions(tessera, inGroup('editors', 'admins')), handler);
 * ```
 */
export function inGroup(...groups: string[]): PermissionClass {
  return Object.freeze({ hasPermission: ({ user }: PermissionRequest) => user?.inGroup(...groups) === true });
}
