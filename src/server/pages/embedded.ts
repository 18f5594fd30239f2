/**
 * `tessera/pages`: the browsable API, the OpenAPI document (`/api/schema/`) and its reference
 * page (`/api/docs/`) for an app that embeds Tessera with an adapter. Pass it as the adapter's
 * `pages` option; without it an adapter serves the JSON API only, and loads none of this.
 *
 * @example
 * ```ts
 * import { tesseraPages } from 'tessera/pages';
 * app.use(tesseraRouter(tessera, { pages: tesseraPages() })); // Express
 * ```
 */
import type { Tessera } from '../../app/tessera.js';
import type { Route } from '../../http/route.js';
import type { ErrorReporter, MountedPages } from '../../http/router.js';
import { createPages } from './create-pages.js';

export type { MountedPages } from '../../http/router.js';

/** Builds the pages for the routes an adapter serves (an adapter's `pages` option). */
export type PagesFactory = (tessera: Tessera, routes: readonly Route[], reportError: ErrorReporter) => MountedPages;

/**
 * The pages for an adapter's `pages` option: the browsable API at the API's own URLs (for
 * browsers), `/api/schema/`, `/api/docs/`, the API root `/` (for browsers) and the assets under
 * `/static/tessera/`. Their links assume the adapter is mounted at the root. The admin console
 * is served by the bundled server only.
 */
export function tesseraPages(): PagesFactory {
  return (tessera, routes, reportError) => createPages(tessera, { routes, reportError, admin: false });
}
