/**
 * Which users `tessera import-django` cuts off: the users already in Tessera that the import
 * changed, and, under the same policy as the rest of Tessera (docs/revocation.md), those whose
 * password or active status changed (always) or whose staff or superuser status, groups or
 * permissions changed (with REVOKE_ON_PRIVILEGE_CHANGE). The cut-off is made in the import's
 * transaction, so a failed or dry run leaves every token as it was.
 */
import type { Kysely } from 'kysely';
import type { ImportCutOff } from '../model/django-import.js';
import { cutOffTokensIn } from './kysely/users.js';
import type { Database } from './schema.js';

/** Users already in Tessera before the import, and what the import changed of each. */
export class UserChanges {
  readonly #changed = new Map<number, Set<string>>();
  constructor(readonly existing: ReadonlySet<number>) {}
  /** Records that the import changed `what` of user `id`, if that user was already there. */
  note(id: number, what: string): void {
    if (!this.existing.has(id)) return;
    const changed = this.#changed.get(id) ?? new Set<string>();
    changed.add(what);
    this.#changed.set(id, changed);
  }
  entries(): [number, readonly string[]][] {
    return [...this.#changed].map(([id, what]) => [id, [...what]]);
  }
}

/** The changes that cut off whatever the policy: the same as a password change or a deactivation. */
const ALWAYS_CUT_OFF = new Set(['password', 'is_active']);
/** The changes that cut off with REVOKE_ON_PRIVILEGE_CHANGE. */
const PRIVILEGES = new Set(['is_staff', 'is_superuser', 'groups', 'permissions']);

/** Cuts off the tokens of the changed users the policy names (see the module comment). */
export async function cutOffChangedUsers(
  trx: Kysely<Database>,
  changes: UserChanges,
  now: Date,
  revokeOnPrivilegeChange: boolean,
): Promise<ImportCutOff[]> {
  const cutOff: ImportCutOff[] = [];
  for (const [userId, all] of changes.entries()) {
    const changed = all.filter((what) => ALWAYS_CUT_OFF.has(what) || PRIVILEGES.has(what));
    if (!changed.some((what) => ALWAYS_CUT_OFF.has(what) || (revokeOnPrivilegeChange && PRIVILEGES.has(what)))) continue;
    const version = await cutOffTokensIn(trx, userId, now);
    const user = await trx.selectFrom('auth_user').select(['username', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
    cutOff.push({ userId, username: user.username, email: user.email, version, changed });
  }
  return cutOff;
}
