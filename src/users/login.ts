/**
 * Checking a username (or email) and password, as Django's `authenticate()` with ModelBackend
 * does, minus its timing leak: an unknown user costs one dummy argon2id verification, so unknown
 * user, wrong password and inactive user take the same time and get the same answer.
 */
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../passwords/hasher.js';
import type { UserStore } from '../model/store.js';
import type { User } from '../model/user.js';

/** The settings a login reads. */
export interface LoginSettings {
  readonly USERNAME_FIELD: 'username' | 'email';
  readonly USER_AUTHENTICATION_RULE: (user: User | undefined) => boolean;
  readonly ALLOW_WEAK_DJANGO_HASHES: boolean;
}

/** What checking credentials needs: the login settings and the user store. */
export interface LoginContext {
  readonly settings: LoginSettings;
  readonly store: Pick<UserStore, 'findUser' | 'updateUser'>;
}

/** Returns the user whose credentials these are, if the login rule admits them; `undefined` otherwise. */
export async function checkCredentials(context: LoginContext, login: string, password: string): Promise<User | undefined> {
  const { settings, store } = context;
  const user = await store.findUser(settings.USERNAME_FIELD, login);
  if (user === undefined) {
    await verifyAgainstDummy(password);
    return undefined;
  }
  const { valid, needsRehash } = await verifyPassword(password, user.password, { allowWeakDjangoHashes: settings.ALLOW_WEAK_DJANGO_HASHES });
  if (!valid) return undefined;
  if (needsRehash) await upgradeHash(context, user, password);
  return settings.USER_AUTHENTICATION_RULE(user) ? user : undefined;
}

/** Re-hashes a legacy (any Django format) or weaker hash with the current argon2id parameters. */
async function upgradeHash(context: LoginContext, user: User, password: string): Promise<void> {
  await context.store.updateUser(user.id, { password: await hashPassword(password) });
}
