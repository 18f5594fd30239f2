/**
 * Checking a username (or email) and password, as Django's `authenticate()` with ModelBackend
 * does, minus its timing leak: an unknown user costs one dummy argon2id verification, so unknown
 * user, wrong password and inactive user take the same time and get the same answer.
 *
 * The name is NFKC-normalised (as Django normalises it when the user is created), and a name
 * longer than the field can hold is never looked up: it costs the dummy verification and gets
 * the same 401 (issue 12: nothing a client sends reaches a lookup or a key at any length).
 */
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../passwords/hasher.js';
import { refuseWhenHashQueueFull } from '../passwords/hashing-slots.js';
import { measuredHashing, type HashTimer } from '../passwords/measured-hashing.js';
import type { UserStore } from '../model/store.js';
import type { User } from '../model/user.js';
import { MAX_USERNAME_LENGTH, normalizeUsername } from '../model/usernames.js';

/** The settings a login check reads (`config/settings.ts` documents each one). */
export interface LoginSettings {
  readonly USERNAME_FIELD: 'username' | 'email';
  readonly ALLOW_WEAK_DJANGO_HASHES: boolean;
  readonly USER_AUTHENTICATION_RULE: (user: User | undefined) => boolean;
}

/**
 * What a login check needs: its settings, the store to find the user in (and to write an
 * upgraded hash to), and where hashing times are reported. `TesseraContext` satisfies it.
 */
export interface LoginDependencies {
  readonly settings: LoginSettings;
  readonly store: Pick<UserStore, 'findUser' | 'updateUser'>;
  readonly events: HashTimer;
}

/** Django's `EmailField` max_length. */
const MAX_EMAIL_LENGTH = 254;

/**
 * What a login check found. The refusal reason is for metrics and the audit log only: clients
 * get the same answer for every refusal.
 */
export type LoginCheck =
  | { readonly user: User; readonly refused?: undefined; readonly account?: undefined }
  | {
      readonly user?: undefined;
      readonly refused: 'bad_credentials' | 'inactive';
      /** The account the name belongs to, when there is one: its page shows the failed attempts. */
      readonly account?: User;
    };

/** The name as stored, or `undefined` when it is too long to name any account. */
function lookupName(field: 'username' | 'email', login: string): string | undefined {
  const cap = field === 'username' ? MAX_USERNAME_LENGTH : MAX_EMAIL_LENGTH;
  if (login.length > cap) return undefined;
  const name = field === 'username' ? normalizeUsername(login) : login;
  return name.length > cap ? undefined : name;
}

/**
 * Checks credentials and says why they were refused (`inactive`: the right password, but the
 * login rule refuses the user). `client` (the client address) is the line the password check
 * waits in (`passwords/hashing-slots.ts`).
 *
 * @throws HashQueueFullError (503) when the hashing queue has no room: nothing was checked.
 */
export function checkLogin(context: LoginDependencies, login: string, password: string, client?: string): Promise<LoginCheck> {
  return checkInLine(context, login, password, client);
}

/**
 * Returns the user whose credentials these are, if the login rule admits them; `undefined`
 * otherwise (see {@link checkLogin}).
 */
export async function checkCredentials(
  context: LoginDependencies,
  login: string,
  password: string,
  client?: string,
): Promise<User | undefined> {
  return (await checkLogin(context, login, password, client)).user;
}

/** `client` is the line the password work waits in (passed down, not carried: hashing-slots.ts). */
async function checkInLine(context: LoginDependencies, login: string, password: string, client: string | undefined): Promise<LoginCheck> {
  const { settings, store, events } = context;
  // A check that could not get into the hashing queue is refused before the database is asked.
  refuseWhenHashQueueFull(client);
  const name = lookupName(settings.USERNAME_FIELD, login);
  const user = name === undefined ? undefined : await store.findUser(settings.USERNAME_FIELD, name);
  if (user === undefined) {
    await measuredHashing(events, 'verify', () => verifyAgainstDummy(password, client));
    return { refused: 'bad_credentials' };
  }
  const { valid, needsRehash } = await measuredHashing(events, 'verify', () =>
    verifyPassword(password, user.password, { allowWeakDjangoHashes: settings.ALLOW_WEAK_DJANGO_HASHES, client }),
  );
  if (!valid) return { refused: 'bad_credentials', account: user };
  if (needsRehash) await upgradeHash(context, user, password, client);
  return settings.USER_AUTHENTICATION_RULE(user) ? { user } : { refused: 'inactive', account: user };
}

/** Re-hashes a legacy (any Django format) or weaker hash with the current argon2id parameters. */
async function upgradeHash(context: LoginDependencies, user: User, password: string, client: string | undefined): Promise<void> {
  const hash = await measuredHashing(context.events, 'hash', () => hashPassword(password, client));
  await context.store.updateUser(user.id, { password: hash });
}
