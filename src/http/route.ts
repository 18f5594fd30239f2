/**
 * What an API route is: its handlers by method, whether it needs an authenticated user (DRF's
 * `IsAuthenticated`), and the metadata DRF's `OPTIONS` answer and the docs show.
 */
import type { TesseraContext } from './context.js';
import type { Json } from '../errors.js';
import type { AuthenticatedRequest } from '../auth/authenticate-request.js';
import type { HttpRequest } from './http-types.js';

/** What a handler returns: a status, a JSON body (`undefined` for an empty one), and any extra headers. */
export interface HandlerResult {
  readonly status: number;
  readonly body: Json | undefined;
  /** Extra response headers (cookie mode's `X-CSRFToken`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** `Set-Cookie` values (cookie mode). */
  readonly setCookies?: readonly string[];
}

/**
 * A refusal that must still set cookies: a logout in cookie mode clears the cookies whatever
 * the blacklist answered. The router answers `error` as usual, with these `Set-Cookie`s.
 */
export class RefusalWithCookies extends Error {
  constructor(
    readonly error: unknown,
    readonly setCookies: readonly string[],
  ) {
    super(error instanceof Error ? error.message : 'refused');
    this.name = 'RefusalWithCookies';
  }
}

export interface HandlerInput {
  readonly request: HttpRequest;
  readonly context: TesseraContext;
  /** Set on routes that require authentication. */
  readonly auth: AuthenticatedRequest | undefined;
}

export type Handler = (input: HandlerInput) => Promise<HandlerResult>;

/** A serializer field as DRF's OPTIONS metadata describes it. */
export interface FieldMetadata {
  readonly name: string;
  readonly required: boolean;
  readonly readOnly?: boolean;
}

export interface Route {
  readonly path: string;
  /** DRF's view name ("Token Obtain Pair"). */
  readonly name: string;
  /** The view's docstring, as DRF formats it. */
  readonly description: string;
  readonly handlers: Partial<Record<'GET' | 'POST', Handler>>;
  /** Runs authentication and requires a user before anything else (DRF's `initial()`). */
  readonly authenticated: boolean;
  /** The POST serializer's fields for OPTIONS; `undefined` when DRF shows no `actions`. */
  readonly postFields?: readonly FieldMetadata[];
}
