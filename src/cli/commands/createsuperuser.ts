/**
 * `tessera createsuperuser`, as Django's: a staff superuser, with the password from
 * `TESSERA_SUPERUSER_PASSWORD` under `--no-input`, or asked for twice (hidden) otherwise.
 */
import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { hashPassword } from '../../passwords/hasher.js';
import { validatePassword } from '../../passwords/validators.js';
import { openStore } from '../../stores/open-store.js';
import { UniqueViolationError } from '../../model/store.js';
import { ask, canAsk } from '../prompt.js';

interface Options {
  username?: string;
  email?: string;
  input: boolean;
}

export function createSuperuserCommand(): Command {
  return new Command('createsuperuser')
    .description('Create a superuser (staff, all permissions).')
    .option('--username <username>', 'the login name')
    .option('--email <email>', 'the email address', '')
    .option('--no-input', 'ask nothing: the password comes from TESSERA_SUPERUSER_PASSWORD')
    .action(async (options: Options) => {
      const { settings } = loadSettings();
      // Without a terminal there is nobody to answer: say so, rather than wait on a closed stdin.
      if (options.input && !canAsk()) {
        throw new Error(
          'createsuperuser: not running in a terminal, so nothing can be asked. Use --no-input with --username (and --email), the password in TESSERA_SUPERUSER_PASSWORD.',
        );
      }
      const username = options.username ?? (options.input ? await ask('Username: ') : undefined);
      if (username === undefined || username.trim() === '') throw new Error('You must use --username with --no-input.');
      const password = options.input ? await askPassword(username, options.email ?? '') : process.env.TESSERA_SUPERUSER_PASSWORD;
      if (password === undefined || password === '') throw new Error('Set TESSERA_SUPERUSER_PASSWORD when using --no-input.');

      const store = await openStore(settings.DATABASE_URL);
      try {
        await store.migrate();
        await store.createUser({
          username: username.trim(),
          email: options.email ?? '',
          password: await hashPassword(password),
          isStaff: true,
          isSuperuser: true,
        });
        process.stdout.write('Superuser created successfully.\n');
      } catch (error) {
        if (error instanceof UniqueViolationError) throw new Error(`Error: That ${error.field} is already taken.`);
        throw error;
      } finally {
        await store.close();
      }
    });
}

/** Asks twice, then runs Django's validators; a weak password needs an explicit "y". */
async function askPassword(username: string, email: string): Promise<string> {
  for (;;) {
    const password = await ask('Password: ', true);
    if (password !== (await ask('Password (again): ', true))) {
      process.stderr.write("Error: Your passwords didn't match.\n");
      continue;
    }
    const problems = validatePassword(password, { username, email });
    if (problems.length === 0) return password;
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    if ((await ask('Bypass password validation and create user anyway? [y/N]: ')).trim().toLowerCase() === 'y') return password;
  }
}
