/**
 * The console's form controls: every input has a label, hints and errors are tied to it
 * (`aria-describedby`, `aria-invalid`), and a form's errors are summed up first in an alert
 * that links to the fields.
 */
import { flag, html, type SafeHtml } from '../html.js';
import type { FormErrors } from './user-form.js';

/** The labels of the user forms' fields, for the error summary. */
export const USER_FIELD_LABELS: Readonly<Record<string, string>> = {
  username: 'Username',
  email: 'Email address',
  first_name: 'First name',
  last_name: 'Last name',
  password: 'Password',
  password2: 'Password confirmation',
  is_active: 'Active',
  is_staff: 'Staff status',
  is_superuser: 'Superuser status',
};

export const PASSWORD_HINT =
  'At least 8 characters, not entirely numeric, not a commonly used password, and not too similar to the username, names or email address.';

/** The alert above a form that was sent back with errors; empty when there are none. */
export function errorSummary(errors: FormErrors, labels: Readonly<Record<string, string>>, idPrefix: string): SafeHtml {
  const entries = Object.entries(errors).filter(([, messages]) => messages.length > 0);
  if (entries.length === 0) return html``;
  return html`<div class="message error" role="alert" tabindex="-1" id="${idPrefix}error-summary">
<h2>Please correct the following</h2>
<ul>${entries.flatMap(([field, messages]) =>
    messages.map((message) =>
      field === '' ? html`<li>${message}</li>` : html`<li><a href="#${idPrefix}${field}">${labels[field] ?? field}: ${message}</a></li>`,
    ),
  )}</ul>
</div>`;
}

export interface TextFieldOptions {
  readonly idPrefix: string;
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly type?: 'text' | 'email' | 'password' | 'search';
  readonly autocomplete: string;
  readonly errors?: FormErrors;
  readonly hint?: string;
  readonly required?: boolean;
}

export function textField(options: TextFieldOptions): SafeHtml {
  const id = `${options.idPrefix}${options.name}`;
  const messages = options.errors?.[options.name] ?? [];
  const describedBy = [options.hint === undefined ? '' : `${id}-hint`, messages.length === 0 ? '' : `${id}-error`]
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
    <label for="${id}">${options.label}${options.required ? '' : html` <span class="muted">(optional)</span>`}</label>
    ${options.hint === undefined ? '' : html`<p class="hint" id="${id}-hint">${options.hint}</p>`}
    ${
      messages.length === 0
        ? ''
        : html`<div class="field-error" id="${id}-error">
            <ul>
              ${messages.map((message) => html`<li>${message}</li>`)}
            </ul>
          </div>`
    }
    <input
      id="${id}"
      name="${options.name}"
      type="${options.type ?? 'text'}"
      autocomplete="${options.autocomplete}"
      ${options.type === 'password' ? '' : html` value="${options.value ?? ''}"`}${flag('required', options.required === true)}${flag('aria-invalid="true"', messages.length > 0)}${describedBy === '' ? '' : html` aria-describedby="${describedBy}"`}${options.type === 'text' || options.type === undefined ? html` spellcheck="false" autocapitalize="none"` : ''}
    />
  </div>`;
}

export function checkField(idPrefix: string, name: string, label: string, checked: boolean, hint: string, disabled = false): SafeHtml {
  const id = `${idPrefix}${name}`;
  return html`<div class="check">
    <input
      type="checkbox"
      id="${id}"
      name="${name}"
      ${flag('checked', checked)}${flag('disabled', disabled)}
      aria-describedby="${id}-hint"
    />
    <div>
      <label for="${id}">${label}</label>
      <p class="hint" id="${id}-hint">${hint}</p>
    </div>
  </div>`;
}

/** One checkbox of a multiple choice (`name` sent once per checked box, with its `value`). */
export function choiceField(options: {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  readonly label: string;
  readonly checked: boolean;
  readonly hint?: string;
}): SafeHtml {
  const { id } = options;
  return html`<div class="check">
    <input type="checkbox" id="${id}" name="${options.name}" value="${options.value}"${flag('checked', options.checked)}${options.hint === undefined ? '' : html` aria-describedby="${id}-hint"`} />
    <div>
      <label for="${id}">${options.label}</label>
      ${options.hint === undefined ? '' : html`<p class="hint" id="${id}-hint">${options.hint}</p>`}
    </div>
  </div>`;
}
