/**
 * Registration, as the tutorials' `RegisterSerializer` does it: email, username, first_name,
 * password, password2; the passwords must match; username and email unique; Django's password
 * validators. Field errors are collected for all fields at once, in the serializer's order,
 * then the object-level checks run (the first failing one answers), as DRF does.
 *
 * Improvements on the tutorial (docs/compatibility.md): usernames are checked like Django's
 * `UnicodeUsernameValidator` (max 150); the similarity validator runs with the submitted
 * attributes; emails are unique case-insensitively; uniqueness is enforced by the database, so
 * two concurrent registrations of one name cannot both succeed. Usernames are stored NFKC-
 * normalised, as Django's `create_user` stores them (the tutorial's `objects.create` does not),
 * and names made of or hiding invisible characters (U+3164, U+200B) are refused (issue 12).
 */
import { REGISTRATION_MESSAGES, TesseraError, type FieldErrors } from '../errors.js';
import { hashPassword } from '../passwords/hasher.js';
import { measuredHashing, type HashTimer } from '../passwords/measured-hashing.js';
import { hasInvisibleCharacters, MAX_USERNAME_LENGTH, normalizeUsername } from '../model/usernames.js';
import { validatePassword } from '../passwords/validators.js';
import { UniqueViolationError, type UserStore } from '../model/store.js';
import type { FieldSpec } from '../drf/fields.js';
import type { User } from '../model/user.js';

/** The registration messages live in the one registry (errors.ts). */
export { REGISTRATION_MESSAGES };

/** Django's `UnicodeUsernameValidator`: `^[\w.@+-]+\Z` with Unicode `\w`. */
const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;

export function registrationFields(maxPasswordLength: number): FieldSpec[] {
  return [
    { name: 'email', kind: 'email', maxLength: 254 },
    { name: 'username', kind: 'char', maxLength: 150 },
    { name: 'password', kind: 'char', maxLength: maxPasswordLength },
    { name: 'password2', kind: 'char', maxLength: maxPasswordLength },
    { name: 'first_name', kind: 'char', maxLength: 150 },
  ];
}

export interface RegistrationInput {
  email?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  password2?: string | undefined;
  first_name?: string | undefined;
}

/**
 * Adds the per-field validators that run after a field parsed (DRF's `run_validators`):
 * the username pattern and the password validators.
 */
export function addFieldValidatorErrors(values: RegistrationInput, errors: FieldErrors): void {
  // The pattern checks the name as typed, as Django's validators run before its NFKC `clean()`;
  // what is stored (the NFKC form) must hold no invisible characters and fit the column.
  const username = values.username === undefined ? undefined : normalizeUsername(values.username);
  if (
    username !== undefined &&
    (!USERNAME_PATTERN.test(values.username ?? '') || !USERNAME_PATTERN.test(username) || hasInvisibleCharacters(username))
  ) {
    errors.username = [REGISTRATION_MESSAGES.invalidUsername];
  } else if (username !== undefined && Array.from(username).length > MAX_USERNAME_LENGTH) {
    // Counted in code points, as Django's max_length counts them.
    errors.username = [`Ensure this field has no more than ${MAX_USERNAME_LENGTH} characters.`];
  }
  if (values.password !== undefined) {
    const messages = validatePassword(values.password, { username: values.username, firstName: values.first_name, email: values.email });
    if (messages.length > 0) errors.password = messages;
  }
}

/**
 * What registering a user needs: the store to check and insert in, and where the hashing time
 * is reported. `TesseraContext` satisfies it.
 */
export interface RegistrationDependencies {
  readonly store: Pick<UserStore, 'findUser' | 'emailTaken' | 'createUser'>;
  readonly events: HashTimer;
}

/**
 * The object-level checks and the insert; every field has passed its own validation. `client`
 * (the client address) is the line the password hash waits in.
 */
export async function registerUser(context: RegistrationDependencies, input: Required<RegistrationInput>, client?: string): Promise<User> {
  const { store } = context;
  const username = normalizeUsername(input.username);
  if (input.password !== input.password2) throw TesseraError.fields({ password: [REGISTRATION_MESSAGES.passwordsDiffer] });
  if ((await store.findUser('username', username)) !== undefined)
    throw TesseraError.fields({ username: [REGISTRATION_MESSAGES.usernameTaken] });
  if (await store.emailTaken(input.email)) throw TesseraError.fields({ email: [REGISTRATION_MESSAGES.emailTaken] });
  try {
    return await store.createUser(
      {
        username,
        email: input.email,
        firstName: input.first_name,
        password: await measuredHashing(context.events, 'hash', () => hashPassword(input.password, client)),
      },
      { uniqueAfterFolding: true },
    );
  } catch (error) {
    // The checks above can race with another registration; the unique index decides.
    if (error instanceof UniqueViolationError) {
      throw TesseraError.fields({
        [error.field]: [error.field === 'username' ? REGISTRATION_MESSAGES.usernameTaken : REGISTRATION_MESSAGES.emailTaken],
      });
    }
    throw error;
  }
}
