/**
 * A refresh's two reads in one statement (`RefreshReadStore`): the refresh token's state and the
 * user it names. Found with `node --cpu-prof` on POST /api/token/refresh/ (docs/decisions.md
 * D21): each read paid Kysely's connection round trip and libsql's statement execution, twice
 * per refresh. Nothing is cached: both answers are read from the database, in one snapshot.
 *
 * One row always comes back: a one-row base table, left-joined to the outstanding token (with
 * its blacklist and family rows) and to the user (with its cut-off row). No column name is
 * shared between the token's and the user's, so each half reads back as the separate reads do.
 */
import { sql } from 'kysely';
import type { TokenState, TokenStateAndUser } from '../../model/store.js';
import type { UserLookupField } from '../../model/user.js';
import { TOKEN_CUTOFF_TABLE } from '../schema.js';
import { BLACKLISTED, FAMILIES, OUTSTANDING, USERS, type SqlHandle } from './sql-handle.js';
import { TOKEN_STATE_COLUMNS, tokenStateFromRow } from './tokens.js';
import { USER_COLUMNS, userFromRow, userLookupParameter } from './users.js';

export async function findTokenStateAndUser(
  handle: SqlHandle,
  jti: string,
  field: UserLookupField,
  value: string | number,
  findTokenState: (jti: string) => Promise<TokenState | undefined>,
): Promise<TokenStateAndUser> {
  const parameter = userLookupParameter(field, value);
  // A value that names nobody needs no user read (as `findUser`): the token state alone.
  if (parameter === undefined) return { state: await findTokenState(jti), user: undefined };
  const row = await handle.selectFirst(
    `findTokenStateAndUser:${field}`,
    () =>
      handle.db
        .selectFrom(sql<{ one: number }>`(select 1 as one)`.as('base'))
        .leftJoin(`${OUTSTANDING} as o`, (join) => join.on('o.jti', '=', jti))
        .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
        .leftJoin(`${FAMILIES} as f`, 'f.id', 'o.family_id')
        .leftJoin(`${USERS} as u`, (join) => join.on(`u.${field}`, '=', parameter))
        .leftJoin(`${TOKEN_CUTOFF_TABLE} as c`, 'c.user_id', 'u.id')
        .select(TOKEN_STATE_COLUMNS)
        .select(USER_COLUMNS.map((column) => `u.${column}` as const))
        .select('c.version as token_version'),
    [jti, parameter],
  );
  if (row === undefined) throw new Error('findTokenStateAndUser: the one-row base table returned no row');
  // Left joins make every column nullable in the row's type; a matched row has all its NOT NULL
  // columns, and `o.jti` / `u.id` are null exactly when there was no match.
  const state = row.jti === null ? undefined : tokenStateFromRow(row as Parameters<typeof tokenStateFromRow>[0]);
  const user = row.id === null ? undefined : userFromRow(row as Parameters<typeof userFromRow>[0]);
  return { state, user };
}
