/**
 * `pg` and `redis` are optional peer dependencies: an SQLite deployment never installs them.
 * When the configuration asks for one that is not installed, start-up stops with a message
 * naming the setting and the package to install, not a module-resolution stack trace.
 */
import { ConfigError } from '../errors.js';

/** Whether `error` says that the package `name` itself could not be found. */
function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  if (error.code !== 'ERR_MODULE_NOT_FOUND' && error.code !== 'MODULE_NOT_FOUND') return false;
  return error.message.includes(`'${name}'`) || error.message.includes(`"${name}"`);
}

/**
 * Imports a module that needs the optional package `name`, turning its absence into a
 * `ConfigError` for `setting`.
 *
 * @example
 * ```ts
 * const { openPostgresStore } = await importNeeding('pg', 'DATABASE_URL', () => import('./postgres/postgres-store.js'));
 * // ConfigError: "DATABASE_URL: a postgres:// URL needs the pg package, which is not installed: npm install pg"
 * ```
 */
export async function importNeeding<T>(name: string, setting: string, load: () => Promise<T>, what: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, name))
      throw new ConfigError(setting, `${what} needs the ${name} package, which is not installed: npm install ${name}`);
    throw error;
  }
}
