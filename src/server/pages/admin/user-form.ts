/**
 * The console's user forms: reading them and checking them as Django's admin does (the username
 * rule, email format, lengths, matching passwords, and Django's four password validators with
 * the user's own attributes), with Tessera's registration messages where they overlap.
 */
import { isValidEmail } from '../../../drf/fields.js';
import { validatePassword } from '../../../passwords/validators.js';
import { addFieldValidatorErrors } from '../../../registration/register-user.js';
import type { User } from '../../../model/user.js';
import { hasControlCharacters, normalizeUsername } from '../../../model/usernames.js';

/** Refused in every field of every console form (issue 12: a NUL password could never log in). */
export const CONTROL_CHARACTER_MESSAGE = 'Control characters (such as NUL) are not allowed.';

/** Field name to messages; `''` holds messages about the form as a whole. */
export type FormErrors = Record<string, string[]>;

export interface UserFormValues {
  readonly username: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
}

export interface PasswordFormValues {
  readonly password: string;
  readonly password2: string;
}

const MAX_NAME_LENGTH = 150;
const MAX_EMAIL_LENGTH = 254;

function addError(errors: FormErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** The text fields trimmed (as Django's forms do), the username NFKC-normalised, the checkboxes as booleans. */
export function readUserForm(form: URLSearchParams): UserFormValues {
  const text = (name: string): string => (form.get(name) ?? '').trim();
  return {
    username: normalizeUsername(text('username')),
    email: text('email'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    isActive: form.get('is_active') === 'on',
    isStaff: form.get('is_staff') === 'on',
    isSuperuser: form.get('is_superuser') === 'on',
  };
}

/** Passwords exactly as typed: never trimmed, so what is set is what logs in. */
export function readPasswordForm(form: URLSearchParams): PasswordFormValues {
  return { password: form.get('password') ?? '', password2: form.get('password2') ?? '' };
}

/** The checks of the account fields (not uniqueness, which the database decides). */
/** The length Django's max_length counts: code points, as Python's len(). */
function codePoints(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points, as Python's len() counts them
  return [...text].length;
}

export function checkUserFields(values: UserFormValues): FormErrors {
  const errors: FormErrors = {};
  const texts = { username: values.username, email: values.email, first_name: values.firstName, last_name: values.lastName };
  for (const [field, value] of Object.entries(texts)) if (hasControlCharacters(value)) addError(errors, field, CONTROL_CHARACTER_MESSAGE);
  if (hasErrors(errors)) return errors;
  if (values.username === '') addError(errors, 'username', 'This field is required.');
  else if (codePoints(values.username) > MAX_NAME_LENGTH)
    addError(errors, 'username', `Ensure this value has at most ${MAX_NAME_LENGTH} characters.`);
  else addFieldValidatorErrors({ username: values.username }, errors);
  if (values.email !== '' && (codePoints(values.email) > MAX_EMAIL_LENGTH || !isValidEmail(values.email)))
    addError(errors, 'email', 'Enter a valid email address.');
  if (codePoints(values.firstName) > MAX_NAME_LENGTH)
    addError(errors, 'first_name', `Ensure this value has at most ${MAX_NAME_LENGTH} characters.`);
  if (codePoints(values.lastName) > MAX_NAME_LENGTH)
    addError(errors, 'last_name', `Ensure this value has at most ${MAX_NAME_LENGTH} characters.`);
  return errors;
}

/** The checks of a new password for a user with these attributes, Django's validators included. */
export function checkNewPassword(
  values: PasswordFormValues,
  user: Pick<User, 'username' | 'email' | 'firstName' | 'lastName'>,
  maxLength: number,
): FormErrors {
  const errors: FormErrors = {};
  if (values.password === '') addError(errors, 'password', 'This field is required.');
  if (values.password2 === '') addError(errors, 'password2', 'This field is required.');
  if (errors.password !== undefined || errors.password2 !== undefined) return errors;
  if (hasControlCharacters(values.password) || hasControlCharacters(values.password2)) {
    addError(errors, 'password', CONTROL_CHARACTER_MESSAGE);
    return errors;
  }
  if (codePoints(values.password) > maxLength) {
    addError(errors, 'password', `Ensure this value has at most ${maxLength} characters.`);
    return errors;
  }
  if (values.password !== values.password2) {
    addError(errors, 'password2', 'The two password fields didn’t match.');
    return errors;
  }
  const problems = validatePassword(values.password, {
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
  });
  if (problems.length > 0) errors.password = problems;
  return errors;
}

/** Whether any field has a message. */
export function hasErrors(errors: FormErrors): boolean {
  return Object.values(errors).some((messages) => messages.length > 0);
}
