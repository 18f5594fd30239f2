/**
 * `tessera changepassword [username]`, as Django's: asks for the new password twice (not echoed),
 * runs the password validators, gives up after three tries. Without a terminal it asks nothing:
 * `--password-stdin` reads the password from stdin (a pipe, a secret file), validated the same way.
 *
 * Like every other password change it cuts off the user's tokens (issue 15): access tokens issued
 * before stop working, refresh tokens are blacklisted, console sign-ins end. With REDIS_URL the
 * change is announced on Redis and every running server drops the user from its cache at once;
 * without it, a server that had the user cached sees the change within USER_CACHE_TTL.
 */
import { Command } from 'commander';
import { userInfo } from 'node:os';
import { loadSettings } from '../../config/load-settings.js';
import { hashPassword } from '../../passwords/hasher.js';
import { validatePassword } from '../../passwords/validators.js';
import { endSessionsInStore } from '../../sessions/end-every-session.js';
import { openStore } from '../../stores/open-store.js';
import type { User } from '../../model/user.js';
import { announceUserChanges, recordCliAudit } from '../announce-user-changes.js';
import { ask, canAsk, readStdin } from '../prompt.js';

/** Django's `MAX_TRIES`. */
const MAX_TRIES = 3;

interface Options {
  passwordStdin?: boolean;
}

export function changePasswordCommand(): Command {
  return new Command('changepassword')
    .description("Change a user's password (ends their sessions, as any password change does).")
    .argument('[username]', 'the user; defaults to the current system user, as Django')
    .option('--password-stdin', 'ask nothing: read the new password from stdin (for scripts)')
    .action(async (username: string | undefined, options: Options) => {
      const name = username ?? userInfo().username;
      if (options.passwordStdin !== true && !canAsk()) {
        throw new Error(
          `changepassword: not running in a terminal, so the password cannot be asked. Pipe it in with --password-stdin (printf '%s' "$NEW_PASSWORD" | tessera changepassword ${name} --password-stdin).`,
        );
      }
      const { settings } = loadSettings();
      const store = await openStore(settings.DATABASE_URL);
      try {
        await store.migrate();
        const user = await store.findUser('username', name);
        if (user === undefined) throw new Error(`user '${name}' does not exist`);
        const password = options.passwordStdin === true ? await passwordFromStdin(user) : await askPassword(user);
        const hash = await hashPassword(password);
        // Compare-and-set where the store has it, so a change made meanwhile is not overwritten silently.
        if (store.replacePassword === undefined) await store.updateUser(user.id, { password: hash });
        else if (!(await store.replacePassword(user.id, user.password, hash)))
          throw new Error(`the password of '${name}' changed while this command ran; run it again`);
        const now = new Date();
        const { tokenVersion, revokedTokens } = await endSessionsInStore(store, user.id, now);
        await recordCliAudit(store, {
          at: now,
          action: 'user.set_password',
          targetUserId: user.id,
          target: user.username,
          detail: `password changed with tessera changepassword; tokens issued before cut off; ${revokedTokens} refresh token${revokedTokens === 1 ? '' : 's'} blacklisted`,
        });
        await announceUserChanges(
          settings,
          [user.id],
          [{ userId: user.id, username: user.username, email: user.email, version: tokenVersion, at: now }],
        );
        process.stdout.write(`Password changed successfully for user '${user.username}'\n`);
      } finally {
        await store.close();
      }
    });
}

function problemsOf(user: User, password: string): string[] {
  return validatePassword(password, { username: user.username, firstName: user.firstName, lastName: user.lastName, email: user.email });
}

async function passwordFromStdin(user: User): Promise<string> {
  const password = await readStdin();
  if (password === '') throw new Error('no password on stdin');
  const problems = problemsOf(user, password);
  if (problems.length > 0) throw new Error(`password refused:\n${problems.join('\n')}`);
  return password;
}

/** Django's loop: mismatches and refused passwords each use one of three tries. */
async function askPassword(user: User): Promise<string> {
  process.stdout.write(`Changing password for user '${user.username}'\n`);
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const password = await ask('Password: ', true);
    if (password !== (await ask('Password (again): ', true))) {
      process.stderr.write('Passwords do not match. Please try again.\n');
      continue;
    }
    const problems = problemsOf(user, password);
    if (problems.length === 0) return password;
    process.stderr.write(`${problems.join('\n')}\n`);
  }
  throw new Error(`Aborting password change for user '${user.username}' after ${MAX_TRIES} attempts`);
}
