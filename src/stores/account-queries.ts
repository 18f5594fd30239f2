/**
 * The SQL behind `AccountStore` (password reset and change, email verification), for every
 * dialect. Races are settled by the database:
 * - `replacePassword` is one UPDATE guarded by the old hash, so of concurrent resets with one
 *   token exactly one changes the row;
 * - `verifyEmailAddress` is one UPDATE guarded by `verified = false`: one caller flips it;
 * - `addEmailAddress` inserts with ON CONFLICT DO NOTHING against the (user, email) and
 *   one-primary-per-user unique indexes, then reads the row that won.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { User } from '../model/user.js';
import { booleanFromDb, type Database, type EmailAddressTable } from './schema.js';
import type { AccountStore, EmailAddress } from '../model/store.js';

const USERS = 'auth_user';
const ADDRESSES = 'account_emailaddress';
/** Ids per IN list: well below both databases' bound-parameter limits. */
const IN_BATCH = 500;

function addressFromRow(row: Selectable<EmailAddressTable>): EmailAddress {
  return { id: row.id, userId: row.user_id, email: row.email, verified: booleanFromDb(row.verified), primary: booleanFromDb(row.primary) };
}

export class KyselyAccountQueries implements AccountStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly userFromRow: (row: Selectable<Database['auth_user']>) => User,
  ) {}

  async findUserByEmail(email: string): Promise<User | undefined> {
    if (email === '') return undefined;
    // Written as the unique index's expression and predicate, so the index serves it.
    const row = await this.db
      .selectFrom(USERS)
      .selectAll()
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .where(sql<boolean>`email <> ''`)
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : this.userFromRow(row);
  }

  async replacePassword(id: number, expected: string, next: string): Promise<boolean> {
    const result = await this.db
      .updateTable(USERS)
      .set({ password: next })
      .where('id', '=', id)
      .where('password', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async findEmailAddress(userId: number, email: string): Promise<EmailAddress | undefined> {
    const row = await this.db
      .selectFrom(ADDRESSES)
      .selectAll()
      .where('user_id', '=', userId)
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row === undefined ? undefined : addressFromRow(row);
  }

  async findEmailAddressById(id: number): Promise<EmailAddress | undefined> {
    const row = await this.db.selectFrom(ADDRESSES).selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : addressFromRow(row);
  }

  async addEmailAddress(userId: number, email: string): Promise<EmailAddress> {
    const lower = email.toLowerCase();
    // Second pass: a concurrent insert took the primary slot, so this address is not primary.
    for (const primaryAllowed of [true, false]) {
      const existing = await this.findEmailAddress(userId, lower);
      if (existing !== undefined) return existing;
      const hasPrimary = await this.db
        .selectFrom(ADDRESSES)
        .select('id')
        .where('user_id', '=', userId)
        .where('primary', '=', true)
        .executeTakeFirst();
      await this.db
        .insertInto(ADDRESSES)
        .values({ email: lower, verified: false, primary: primaryAllowed && hasPrimary === undefined, user_id: userId })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
    const added = await this.findEmailAddress(userId, lower);
    if (added === undefined) throw new Error('account_emailaddress: the address could not be recorded');
    return added;
  }

  async verifyEmailAddress(id: number): Promise<boolean> {
    // An address verified by another account (a stale row) keeps it: unique_verified_email.
    const result = await this.db
      .updateTable(ADDRESSES)
      .set({ verified: true })
      .where('id', '=', id)
      .where('verified', '=', false)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(`${ADDRESSES} as other`)
              .select('other.id')
              .whereRef('other.email', '=', `${ADDRESSES}.email`)
              .where('other.verified', '=', true),
          ),
        ),
      )
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async listEmailAddresses(userIds: readonly number[]): Promise<EmailAddress[]> {
    const addresses: EmailAddress[] = [];
    for (let start = 0; start < userIds.length; start += IN_BATCH) {
      const rows = await this.db
        .selectFrom(ADDRESSES)
        .selectAll()
        .where('user_id', 'in', userIds.slice(start, start + IN_BATCH))
        .orderBy('id')
        .execute();
      addresses.push(...rows.map(addressFromRow));
    }
    return addresses;
  }
}
