/**
 * Checking a username (or email) and password, as Django's `authenticate()` with ModelBackend
 * does, minus its timing leak: an unknown user costs one dummy argon2id verification, so unknown
 * user, wrong password and inactive user take the same time and get the same answer.
 */
import type { TesseraContext } from '../http/context.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../passwords/hasher.js';
import type { User } from '../model/user.js';

/** Returns the user whose credentials these are, if the login rule admits them; `undefined` otherwise. */
export async function checkCredentials(context: TesseraContext, login: string, password: string): Promise<User | undefined> {
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
async function upgradeHash(context: TesseraContext, user: User, password: string): Promise<void> {
  await context.store.updateUser(user.id, { password: await hashPassword(password) });
}
