/**
 * Picks and opens the store `DATABASE_URL` names.
 *
 * Accepted forms:
 * - `sqlite:PATH`: an SQLite file, relative to the working directory or absolute
 *   (`sqlite:./data/tessera.sqlite3`, `sqlite:/var/lib/tessera/db.sqlite3`);
 * - `sqlite::memory:`: a private in-memory database, gone when the process ends (tests);
 * - `postgres://...` / `postgresql://...`: reserved for the PostgreSQL store (not built yet).
 *
 * `sqlite://...` is refused rather than guessed at: SQLAlchemy reads `sqlite:///x` as a relative
 * path and `sqlite:////x` as an absolute one, and silently picking either would put the database
 * somewhere the operator did not mean.
 */
import { ConfigError } from '../errors.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

const SETTING = 'DATABASE_URL';
const FORMS = 'expected sqlite:PATH, sqlite::memory: or postgres://...';

/**
 * Opens the store named by `databaseUrl`. Does not migrate: call `store.migrate()`.
 *
 * @throws ConfigError (setting `DATABASE_URL`) for an unsupported or malformed URL, or when the
 *   database cannot be opened. Messages never repeat the URL itself, which may hold a password.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  const url = databaseUrl.trim();
  if (url.startsWith('sqlite://')) {
    throw new ConfigError(SETTING, `write sqlite:PATH (e.g. sqlite:./tessera.sqlite3 or sqlite:/abs/path.sqlite3), not sqlite://`);
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ConfigError(SETTING, `the SQLite path is empty; ${FORMS}`);
    try {
      return await openSqliteStore(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(SETTING, `cannot open the SQLite database ${path}: ${reason}`);
    }
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // The PostgreSQL store (a KyselyStore over `pg`) plugs in here.
    throw new ConfigError(SETTING, 'PostgreSQL support is not built yet; use sqlite:PATH');
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new ConfigError(SETTING, scheme === undefined ? `not a database URL; ${FORMS}` : `unsupported scheme "${scheme}:"; ${FORMS}`);
}
