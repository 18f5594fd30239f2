/**
 * A route's declared fields (`Route.fields`, which the handler validates with and OPTIONS
 * lists) as the browsable API's forms and the OpenAPI document show them: the label, how the
 * field is typed in, and the `autocomplete` token, each from the declaration or, when it says
 * nothing, from the field's name.
 */
import type { EndpointField, FieldInput, Route } from '../../http/route.js';
import { writableFields } from '../../http/route.js';

/** One request field of a route, ready to show. */
export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
  readonly kind: EndpointField['kind'];
  /** In code points, as the handler counts. */
  readonly maxLength?: number;
  readonly input: FieldInput;
  readonly autocomplete: string;
  readonly prefill?: 'access' | 'refresh';
  readonly help?: string;
}

/** DRF's default label (`first_name` -> `First name`), with a clearer one for the confirmation. */
function labelOf(name: string): string {
  if (name === 'password2') return 'Password (again)';
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function inputOf(field: EndpointField): FieldInput {
  if (field.input !== undefined) return field.input;
  // password, password2, old_password, new_password1, new_password2
  if (field.name.includes('password')) return 'password';
  if (field.name === 'refresh' || field.name === 'access' || field.name === 'token') return 'token';
  return field.kind === 'email' || field.name === 'email' ? 'email' : 'text';
}

function autocompleteOf(name: string, input: FieldInput): string {
  if (input === 'password') return name.startsWith('new_password') ? 'new-password' : 'current-password';
  if (input === 'token') return 'off';
  if (name === 'username') return 'username';
  if (name === 'email') return 'email';
  if (name === 'first_name') return 'given-name';
  if (name === 'last_name') return 'family-name';
  return 'off';
}

/** The fields a client sends to `route` (the writable ones), in the order the handler reads them. */
export function formFields(route: Route): FormField[] {
  return writableFields(route).map((field) => {
    const input = inputOf(field);
    return {
      name: field.name,
      label: labelOf(field.name),
      required: field.required ?? true,
      kind: field.kind,
      ...(field.maxLength === undefined ? {} : { maxLength: field.maxLength }),
      input,
      autocomplete: field.autocomplete ?? autocompleteOf(field.name, input),
      ...(field.prefill === undefined ? {} : { prefill: field.prefill }),
      ...(field.help === undefined ? {} : { help: field.help }),
    } satisfies FormField;
  });
}
