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
  readonly headers?: Readonly<Record<string, string>>;
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
