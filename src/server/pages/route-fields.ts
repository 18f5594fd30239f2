/**
 * The request fields of a route, as the browsable API's forms and the OpenAPI document both
 * describe them. They come from the route's own metadata (`postFields`, which also feeds DRF's
 * OPTIONS answer) and, for registration, from `registrationFields`, the very specs its handler
 * validates with; the settings give the limits the handlers apply (MAX_PASSWORD_LENGTH).
 */
import type { Settings } from '../../config/settings.js';
import type { FieldSpec } from '../../drf/fields.js';
import type { Route } from '../../http/route.js';
import { PASSWORD_HELP_TEXTS } from '../../passwords/validators.js';
import { registrationFields } from '../../registration/register-user.js';

/** How a field is typed in: masked, a long token, an email address or plain text. */
export type FieldInput = 'text' | 'password' | 'email' | 'token';

/** One request field of a route. */
export interface RouteField {
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
  readonly kind: FieldSpec['kind'];
  /** In code points, as the handler counts. */
  readonly maxLength?: number;
  readonly input: FieldInput;
  /** The `autocomplete` token for password managers. */
  readonly autocomplete: string;
  /** Which kept token of the browsable API's token panel fills the field in. */
  readonly prefill?: 'access' | 'refresh';
  readonly help?: string;
}

/** The registration route carries no `postFields` (DRF shows none); its handler's specs say it all. */
const REGISTER_ROUTE_NAME = 'Register';
/** Routes whose `token` field takes the kind of token the panel keeps as "access" (an access or sliding token). */
const TOKEN_FIELD_TAKES_ACCESS = new Set(['Token Verify', 'Token Refresh Sliding']);

/** DRF's default label (`first_name` -> `First name`), with a clearer one for the confirmation. */
function labelOf(name: string): string {
  if (name === 'password2') return 'Password (again)';
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function inputOf(name: string, kind: FieldSpec['kind']): FieldInput {
  // password, password2, old_password, new_password1, new_password2
  if (name.includes('password')) return 'password';
  if (name === 'refresh' || name === 'access' || name === 'token') return 'token';
  return kind === 'email' || name === 'email' ? 'email' : 'text';
}

function autocompleteOf(name: string, input: FieldInput, registering: boolean): string {
  if (input === 'password') return registering || name.startsWith('new_password') ? 'new-password' : 'current-password';
  if (input === 'token') return 'off';
  if (name === 'username') return 'username';
  if (name === 'email') return 'email';
  if (name === 'first_name') return 'given-name';
  if (name === 'last_name') return 'family-name';
  return 'off';
}

function helpOf(name: string, route: Route, registering: boolean): string | undefined {
  if ((registering && name === 'password') || name === 'new_password1') return PASSWORD_HELP_TEXTS.join(' ');
  if (route.name === 'Password Reset Confirm' && (name === 'uid' || name === 'token'))
    return `The ${name} from the link in the password reset mail.`;
  if (name === 'refresh') return 'A refresh token, as the login answered it.';
  if (name === 'token')
    return TOKEN_FIELD_TAKES_ACCESS.has(route.name) ? 'A token to check: the kept access token by default.' : 'A token.';
  return undefined;
}

/**
 * The fields a client sends to `route` (writable ones only), in the order the handler reads
 * them. Routes without a body (GET views) have none.
 */
export function requestFields(route: Route, settings: Settings): RouteField[] {
  const registering = route.name === REGISTER_ROUTE_NAME && route.postFields === undefined;
  const specs: FieldSpec[] = registering
    ? registrationFields(settings.MAX_PASSWORD_LENGTH)
    : (route.postFields ?? [])
        .filter((field) => field.readOnly !== true)
        .map((field) => ({
          name: field.name,
          kind: field.name === 'email' ? ('email' as const) : ('char' as const),
          required: field.required,
          ...(field.name === 'password' ? { maxLength: settings.MAX_PASSWORD_LENGTH } : {}),
        }));
  return specs.map((spec) => {
    const input = inputOf(spec.name, spec.kind);
    const prefill =
      spec.name === 'refresh' ? 'refresh' : spec.name === 'token' && TOKEN_FIELD_TAKES_ACCESS.has(route.name) ? 'access' : undefined;
    const help = helpOf(spec.name, route, registering);
    return {
      name: spec.name,
      label: labelOf(spec.name),
      required: spec.required ?? true,
      kind: spec.kind,
      ...(spec.maxLength === undefined ? {} : { maxLength: spec.maxLength }),
      input,
      autocomplete: autocompleteOf(spec.name, input, registering),
      ...(prefill === undefined ? {} : { prefill }),
      ...(help === undefined ? {} : { help }),
    } satisfies RouteField;
  });
}

/** The methods a route answers, in DRF's order (HEAD and OPTIONS left out: they are implied). */
export function routeMethods(route: Route): ('GET' | 'POST')[] {
  return (['GET', 'POST'] as const).filter((method) => route.handlers[method] !== undefined);
}
