/**
 * What dj-rest-auth's password serializers and Django's `SetPasswordForm` share: the two
 * new-password fields, their check, and the messages, word for word (Django's ’ included).
 */
import { ACCOUNT_MESSAGES, type FieldErrors } from '../errors.js';
import type { FieldSpec } from '../drf/fields.js';
import { validatePassword } from '../passwords/validators.js';
import type { User } from '../model/user.js';

/** The account messages live in the one registry (errors.ts). */
export { ACCOUNT_MESSAGES };

/** dj-rest-auth declares `CharField(max_length=128)` for each new password. */
export const NEW_PASSWORD_MAX_LENGTH = 128;

export const NEW_PASSWORD_FIELDS: readonly FieldSpec[] = [
  { name: 'new_password1', kind: 'char', maxLength: NEW_PASSWORD_MAX_LENGTH },
  { name: 'new_password2', kind: 'char', maxLength: NEW_PASSWORD_MAX_LENGTH },
];

/**
 * `SetPasswordForm.clean_new_password2`: the passwords must match, then Django's validators run
 * on the new password with the user's attributes. `undefined` when the password is acceptable.
 */
export function setPasswordErrors(user: User, password1: string, password2: string): FieldErrors | undefined {
  if (password1 !== password2) return { new_password2: [ACCOUNT_MESSAGES.passwordMismatch] };
  const messages = validatePassword(password2, {
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
  });
  return messages.length > 0 ? { new_password2: messages } : undefined;
}

/** Whether a password hash can ever match (Django's `has_usable_password`: not `!...`). */
export function hasUsablePassword(user: User): boolean {
  return user.password !== '' && !user.password.startsWith('!');
}

/**
 * A front-end URL template with its `{name}` placeholders filled. Values keep the characters a
 * URL path allows as they are (uids, tokens and keys are made of them, `:` included); anything
 * else is percent-encoded.
 *
 * @example
 * ```ts
 * fillUrlTemplate('https://app.example.com/verify/{key}', { key: 'MQ:1xaKH2:abc' }); // '.../verify/MQ:1xaKH2:abc'
 * ```
 */
export function fillUrlTemplate(template: string, values: Readonly<Record<string, string>>): string {
  let url = template;
  for (const [name, value] of Object.entries(values)) {
    url = url.replaceAll(
      `{${name}}`,
      value.replace(/[^A-Za-z0-9_.~:-]/g, (char) => encodeURIComponent(char)),
    );
  }
  return url;
}
