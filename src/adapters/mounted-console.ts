/**
 * The admin console in an app (the `adminConsole` mount option of every adapter): the same
 * console as the bundled server's, at a path the app chooses, with its links, redirects and
 * cookies (`Path=`) under that path, and its own stylesheet and script under `<path>static/`.
 * Each adapter only reads the body and writes the answer; the sign-in, CSRF checks and audit
 * trail are the console's own.
 */
import { ConfigError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/http-types.js';
import type { ErrorReporter } from '../http/router.js';
import type { Tessera } from '../app/tessera.js';
import { createAdminConsole, isConsoleRoot } from '../server/pages/admin/admin-console.js';
import { serverErrorResponse } from './shared.js';
import { contextOf } from '../app/tessera-context.js';

/** The console an adapter serves. */
export interface MountedConsole {
  /** Whether the console answers `path` (relative to where the app mounted the adapter). */
  owns(path: string): boolean;
  /**
   * Answers a request whose path the console owns. `request.path` is relative to `mountPath`,
   * where the app mounted the adapter (`''` at the root, `/v1` under `app.use('/v1', ...)`).
   */
  answer(request: HttpRequest, mountPath: string): Promise<HttpResponse>;
}

/** The `adminConsole` option, checked: a path with both slashes, not `/` itself. */
export function checkedConsolePath(value: string): string {
  if (!isConsoleRoot(value)) {
    throw new ConfigError(
      'adminConsole',
      `must be a path of plain segments that starts and ends with '/', such as '/admin/' (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** The console for the `adminConsole` mount option, or `undefined` when it is not set. */
export function mountedConsoleOf(
  tessera: Tessera,
  path: string | false | undefined,
  reportError: ErrorReporter,
): MountedConsole | undefined {
  if (path === undefined || path === false) return undefined;
  const at = checkedConsolePath(path);
  // One console per mount path (an Express router can be mounted at several).
  const consoles = new Map<string, ReturnType<typeof createAdminConsole>>();
  const consoleAt = (root: string): ReturnType<typeof createAdminConsole> => {
    const existing = consoles.get(root);
    if (existing !== undefined) return existing;
    const created = createAdminConsole(contextOf(tessera), { root, embedded: true });
    consoles.set(root, created);
    return created;
  };
  return {
    owns: (requested) => requested === at.slice(0, -1) || requested.startsWith(at),
    async answer(request, mountPath) {
      const base = mountPath.replace(/\/$/, '');
      const full: HttpRequest = { ...request, path: `${base}${request.path}` };
      try {
        const response = await consoleAt(`${base}${at}`)(full, { secure: request.secure === true });
        if (response === undefined) return { status: 404, headers: {}, body: '' };
        if (request.method === 'HEAD') response.body = '';
        return response;
      } catch (error) {
        reportError(error, { method: request.method, path: full.path });
        return serverErrorResponse();
      }
    },
  };
}
