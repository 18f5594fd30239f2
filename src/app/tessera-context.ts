/**
 * The wiring behind a `Tessera` (`TesseraContext`: settings, codec, store, hooks, ...), kept off
 * the public object. `createTessera` registers it here; the adapters, the pages and the bundled
 * server look it up. A WeakMap rather than a property: the published types never mention it,
 * and nothing an app can reach by enumeration or autocompletion depends on it (docs/decisions.md).
 *
 * @internal
 */
import { ConfigError } from '../errors.js';
import type { TesseraContext } from '../http/context.js';

const contexts = new WeakMap<object, TesseraContext>();

/** Records `context` as the wiring of `tessera` (called once, by `createTessera`). @internal */
export function attachContext(tessera: object, context: TesseraContext): void {
  contexts.set(tessera, context);
}

/**
 * The wiring of a Tessera made by `createTessera`.
 *
 * @throws {ConfigError} naming `tessera` when the object did not come from `createTessera` (a
 *   copy made with `{ ...tessera }` is not one).
 * @internal
 */
export function contextOf(tessera: object): TesseraContext {
  const context = contexts.get(tessera);
  if (context === undefined)
    throw new ConfigError('tessera', 'is not a Tessera made by createTessera (pass the object it returned, not a copy)');
  return context;
}
