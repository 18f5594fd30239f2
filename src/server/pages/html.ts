/**
 * HTML built by escaping everything by default: the `html` template escapes every value it is
 * given unless the value is already `SafeHtml` (the result of another `html` template). Pages
 * never concatenate strings into markup, so user data (usernames, search terms, token claims,
 * error messages) cannot become markup.
 */

/** Markup that is safe to insert as it is. Only `html` and `rawHtml` make one. */
export class SafeHtml {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/** What an `html` template accepts: text (escaped), markup, lists of either, and nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: literal parts are taken as written, interpolated values are
 * escaped (booleans and nullish values render as nothing, so `${cond && html`...`}` works).
 *
 * @example
 * ```ts
 * html`<p>Hello, ${username}</p>`; // "<p>Hello, &lt;b&gt;</p>" for username "<b>"
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

/** Trusted markup from code (never from a request). */
export function rawHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** An attribute that is present or absent (`checked`, `required`, `disabled`). */
export function flag(name: string, on: boolean): SafeHtml {
  return new SafeHtml(on ? ` ${name}` : '');
}
