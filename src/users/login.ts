/**
 * Checking a username (or email) and password, as Django's `authenticate()` with ModelBackend
 * does, minus its timing leak: an unknown user costs one dummy argon2id verification, so unknown
 * user, wrong password and inactive user take the same time and get the same answer.
 */
import type { TesseraContext } from '../context.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../passwords/hasher.js';
import { measuredHashing } from '../passwords/measured-hashing.js';
import type { User } from './user.js';

/**
 * What a login check found. The refusal reason is for metrics and the audit log only: clients
 * get the same answer for every refusal.
 */
export type LoginCheck =
  | { readonly user: User; readonly refused?: undefined }
  | { readonly user?: undefined; readonly refused: 'bad_credentials' | 'inactive' };

/** Checks credentials and says why they were refused (`inactive`: right password, but the login rule refuses the user). */
export async function checkLogin(context: TesseraContext, login: string, password: string): Promise<LoginCheck> {
  const { settings, store, events } = context;
  const user = await store.findUser(settings.USERNAME_FIELD, login);
  if (user === undefined) {
    await measuredHashing(events, 'verify', () => verifyAgainstDummy(password));
    return { refused: 'bad_credentials' };
  }
  const { valid, needsRehash } = await measuredHashing(events, 'verify', () =>
    verifyPassword(password, user.password, { allowWeakDjangoHashes: settings.ALLOW_WEAK_DJANGO_HASHES }),
  );
  if (!valid) return { refused: 'bad_credentials' };
  if (needsRehash) await upgradeHash(context, user, password);
  return settings.USER_AUTHENTICATION_RULE(user) ? { user } : { refused: 'inactive' };
}

/** Returns the user whose credentials these are, if the login rule admits them; `undefined` otherwise. */
export async function checkCredentials(context: TesseraContext, login: string, password: string): Promise<User | undefined> {
  return (await checkLogin(context, login, password)).user;
}

/** Re-hashes a legacy (any Django format) or weaker hash with the current argon2id parameters. */
async function upgradeHash(context: TesseraContext, user: User, password: string): Promise<void> {
  const hash = await measuredHashing(context.events, 'hash', () => hashPassword(password));
  await context.store.updateUser(user.id, { password: hash });
}
