/**
 * `tessera/client`: a dependency-free client for Tessera's API (and any simplejwt API), for
 * browsers and Node. See `createTesseraClient`, and docs/frontends.md for which mode to choose.
 */
export { createTesseraClient } from './tessera-client.js';
export type { AuthChange, AuthChangeReason, Credentials, TesseraClient } from './tessera-client.js';
export { memoryStorage, DEFAULT_ROUTES } from './options.js';
export type { AuthMode, ClientRoutes, TesseraClientOptions, TokenStorage } from './options.js';
export { TesseraClientError, TesseraNetworkError } from './errors.js';
