/**
 * Picks and opens the store `DATABASE_URL` names.
 *
 * Accepted forms:
 * - `sqlite:PATH`: an SQLite file, relative to the working directory or absolute
 *   (`sqlite:./data/tessera.sqlite3`, `sqlite:/var/lib/tessera/db.sqlite3`);
 * - `sqlite::memory:`: a private in-memory database, gone when the process ends (tests);
 * - `postgres://...` / `postgresql://...`: a PostgreSQL database, with any parameter `pg`
 *   understands (`postgres://user:password@host:5432/db?sslmode=require`). Tessera's tables go
 *   in the server's default schema, or in the one `?schema=NAME` names (created if missing);
 *   `?options=-c search_path=NAME` is read the same way.
 *
 * `sqlite://...` is refused rather than guessed at: SQLAlchemy reads `sqlite:///x` as a relative
 * path and `sqlite:////x` as an absolute one, and silently picking either would put the database
 * somewhere the operator did not mean.
 */
import { ConfigError } from '../errors.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { importNeeding } from './optional-package.js';
import type { Store } from '../model/store.js';

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
      if (error instanceof ConfigError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(SETTING, `cannot open the SQLite database ${path}: ${reason}`);
    }
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // Loaded only when asked for: `pg` is an optional peer dependency, and costs start-up time
    // an SQLite server need not pay.
    const { openPostgresStore } = await importNeeding('pg', SETTING, () => import('./postgres/postgres-store.js'), 'a postgres:// URL');
    try {
      return await openPostgresStore(...postgresTarget(url));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(SETTING, `cannot open the PostgreSQL database: ${withoutPassword(reason, url)}`);
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new ConfigError(SETTING, scheme === undefined ? `not a database URL; ${FORMS}` : `unsupported scheme "${scheme}:"; ${FORMS}`);
}

/**
 * The connection URL and the schema it names: `?schema=NAME` (Tessera's own parameter, taken
 * out of the URL before `pg` sees it) or `?options=-c search_path=NAME` (left in place).
 */
function postgresTarget(url: string): [string, { schema?: string }] {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return [url, {}];
  const params = new URLSearchParams(url.slice(queryAt + 1));
  const schema =
    params.get('schema') ?? /(?:^|\s)-c\s*search_path\s*=\s*"?([A-Za-z_][A-Za-z0-9_]*)"?/.exec(params.get('options') ?? '')?.[1];
  params.delete('schema');
  const rest = params.toString();
  return [`${url.slice(0, queryAt)}${rest === '' ? '' : `?${rest}`}`, schema === undefined ? {} : { schema }];
}

/**
 * `message` with the URL's password blanked out. Driver messages do not normally quote the
 * password, but one that quotes the whole connection string, or a malformed URL's fragments,
 * must not carry it into logs.
 */
function withoutPassword(message: string, url: string): string {
  const password = /^[a-z]+:\/\/[^/?#@]*?:([^/?#@]*)@/i.exec(url)?.[1];
  if (password === undefined || password === '') return message;
  let redacted = message;
  for (const form of new Set([password, safeDecode(password)])) redacted = redacted.split(form).join('***');
  return redacted;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
