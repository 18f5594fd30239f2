/**
 * What an API route is: its handlers by method, whether it needs an authenticated user (DRF's
 * `IsAuthenticated`), and the metadata DRF's `OPTIONS` answer and the docs show.
 */
import type { TesseraContext } from './context.js';
import type { Json } from '../errors.js';
import type { AuthenticatedRequest } from '../auth/authenticate-request.js';
import type { HttpRequest } from './http-types.js';
import type { FieldSpec } from '../drf/fields.js';

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
  /** @internal */
  readonly context: TesseraContext;
  /** Set on routes that require authentication. */
  readonly auth: AuthenticatedRequest | undefined;
}

export type Handler = (input: HandlerInput) => Promise<HandlerResult>;

/** How a field is typed in a form: masked, a long token, an email address or plain text. */
export type FieldInput = 'text' | 'password' | 'email' | 'token';

/**
 * One field of an endpoint's POST body, declared once: the handler validates with it (DRF's
 * rules, `drf/fields.ts`), OPTIONS lists it (DRF's SimpleMetadata), and the browsable API's form
 * and the OpenAPI document describe it. What the pages show is derived from the name unless
 * declared (`input`, `autocomplete`).
 */
export interface EndpointField extends FieldSpec {
  /** Listed by OPTIONS, never read from the body (`access` on Token Refresh). */
  readonly readOnly?: boolean;
  /** How it is typed in. @default from the name (`password`, `token`, `email`, else text) */
  readonly input?: FieldInput;
  /** The `autocomplete` token for password managers. @default from the name */
  readonly autocomplete?: string;
  /** Which kept token of the browsable API's token panel fills the field in. */
  readonly prefill?: 'access' | 'refresh';
  /** A sentence for the form and the OpenAPI document. */
  readonly help?: string;
}

/** @deprecated the field declaration is {@link EndpointField}. */
export type FieldMetadata = EndpointField;

/** The error answers a route adds to the generic ones (400, 413, 415 for a POST; 401 when it checks tokens). */
export type DeclaredRefusal = 'Unauthorized' | 'Throttled';

export interface Route {
  readonly path: string;
  /** DRF's view name ("Token Obtain Pair"). */
  readonly name: string;
  /** The view's docstring, as DRF formats it. */
  readonly description: string;
  readonly handlers: Partial<Record<'GET' | 'POST', Handler>>;
  /** Runs authentication and requires a user before anything else (DRF's `initial()`). */
  readonly authenticated: boolean;
  /** The POST body's fields, in the order they are validated; `undefined` when there is no body. */
  readonly fields?: readonly EndpointField[];
  /** Whether OPTIONS shows the fields as DRF's `actions` (a view whose serializer DRF cannot see does not). @default true */
  readonly optionsActions?: boolean;
  /** Its own answers as OpenAPI Response Objects by status (the success, and any particular refusal). */
  readonly responses?: Readonly<Record<string, Json>>;
  /** The OpenAPI tag. @default 'Resources' */
  readonly tag?: 'Tokens' | 'Accounts' | 'Resources';
  /** Refusals beyond the generic ones, for the OpenAPI document. */
  readonly refusals?: readonly DeclaredRefusal[];
  /**
   * Not a DRF view (the JWKS): a GET or HEAD is answered with the handler's body and headers
   * only (no `Vary`, no `Allow`), whatever the `Accept`. Other methods answer as DRF's views do.
   */
  readonly plain?: boolean;
}

/** The fields a client sends (the read-only ones left out). */
export function writableFields(route: Pick<Route, 'fields'>): readonly EndpointField[] {
  return (route.fields ?? []).filter((field) => field.readOnly !== true);
}

/** The methods a route answers, in DRF's order (HEAD and OPTIONS left out: they are implied). */
export function routeMethods(route: Pick<Route, 'handlers'>): ('GET' | 'POST')[] {
  return (['GET', 'POST'] as const).filter((method) => route.handlers[method] !== undefined);
}
