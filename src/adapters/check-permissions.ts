/**
 * Asking DRF's permission classes (`permission-classes.ts`) about one request, with DRF's
 * answers; what each adapter's `checkPermissions` calls.
 */
import type { TesseraContext } from '../http/context.js';
import { TesseraError } from '../errors.js';
import type { AuthenticationRequest } from '../http/cookie-authentication.js';
import type { HttpResponse } from '../http/http-types.js';
import type { AuthenticatedRequest } from '../auth/authenticate-request.js';
import type { PermissionClass, PermissionRequest } from './permission-classes.js';
import { authenticateRequest, permissionRefusal } from './shared.js';

/** The outcome of checking permission classes: the user (if any) to hand on, or the answer to send. */
export type PermissionOutcome =
  | { readonly ok: true; readonly auth: AuthenticatedRequest | undefined }
  | { readonly ok: false; readonly error: TesseraError; readonly response: HttpResponse };

/**
 * Authenticates the request when `known` does not already say who it is (no credentials:
 * anonymous; bad ones: the 401 authentication gives), then asks each class in turn.
 *
 * @example
 * ```ts
 * const outcome = await checkPermissionClasses(context, header, request, undefined, [isAdminUser]);
 * if (!outcome.ok) return send(outcome.response);
 * ```
 */
export async function checkPermissionClasses(
  context: TesseraContext,
  header: string | undefined,
  request: AuthenticationRequest,
  known: AuthenticatedRequest | undefined,
  classes: readonly PermissionClass[],
): Promise<PermissionOutcome> {
  let auth = known;
  if (auth === undefined) {
    const outcome = await authenticateRequest(context, header, request);
    if (outcome.ok) auth = outcome.value;
    else if (outcome.error.code !== 'not_authenticated') return outcome;
  }
  const asked: PermissionRequest = { method: request.method, user: auth?.user };
  for (const permission of classes) {
    if (permission.hasPermission(asked)) continue;
    const error = auth === undefined ? TesseraError.of('not_authenticated') : TesseraError.of('permission_denied', permission.message);
    return { ok: false, error, response: permissionRefusal(context, auth !== undefined, permission.message) };
  }
  return { ok: true, auth };
}
