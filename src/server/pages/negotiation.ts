/**
 * Whether a request gets a page (HTML) or the API's JSON: DRF's own content negotiation
 * (`../../drf/content-negotiation.ts`), so the choice is the one the reference server makes.
 * A browser's `text/html,...,*\/*;q=0.8` gets the page; `application/json`, `*\/*`, no header,
 * and `text/html, application/json` (DRF prefers its JSON renderer within a precedence group)
 * keep JSON.
 */
import { negotiate } from '../../drf/content-negotiation.js';

/**
 * Whether a request with this `Accept` header is served the HTML page rather than JSON.
 *
 * @example
 * ```ts
 * prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*\/*;q=0.8'); // true
 * prefersHtml('*\/*'); // false
 * ```
 */
export function prefersHtml(accept: string | undefined): boolean {
  return negotiate(accept)?.renderer === 'html';
}
