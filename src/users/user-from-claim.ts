/**
 * Finding the user a token names (simplejwt: `User.objects.get(**{USER_ID_FIELD: claim})`).
 * Django casts the claim to the field's type and answers 500 when it cannot ("abc" for an
 * integer id); Tessera treats an uncastable id as an unknown user.
 */
import type { UserStore } from '../model/store.js';
import type { User, UserLookupField } from '../model/user.js';

/** The one setting that says which user field a token's user id claim holds. */
export interface UserIdSettings {
  readonly USER_ID_FIELD: UserLookupField;
}

export async function findUserByClaim(
  store: Pick<UserStore, 'findUser'>,
  settings: UserIdSettings,
  claim: unknown,
  find: UserStore['findUser'] = (field, value) => store.findUser(field, value),
): Promise<User | undefined> {
  const lookup = userLookupOf(settings, claim);
  return lookup === undefined ? undefined : find(lookup.field, lookup.value);
}

/** The `findUser` arguments that find the user `claim` names, or `undefined` when it can name nobody. */
export function userLookupOf(settings: UserIdSettings, claim: unknown): { field: UserLookupField; value: string | number } | undefined {
  if (settings.USER_ID_FIELD === 'id') {
    const id = integerId(claim);
    return id === undefined ? undefined : { field: 'id', value: id };
  }
  if (typeof claim !== 'string' && typeof claim !== 'number') return undefined;
  return { field: settings.USER_ID_FIELD, value: String(claim) };
}

/** An integer id from a JSON number (5.2.2 tokens) or a decimal string (newer simplejwt's "1"). */
function integerId(claim: unknown): number | undefined {
  if (typeof claim === 'number') return Number.isSafeInteger(claim) ? claim : undefined;
  if (typeof claim === 'string' && /^\d{1,15}$/.test(claim)) return Number(claim);
  return undefined;
}

/** The user id as it goes into a token: a JSON number for integer ids, as simplejwt 5.2.2 writes it. */
export function userIdClaim(user: Pick<User, UserLookupField>, settings: UserIdSettings): number | string {
  return settings.USER_ID_FIELD === 'id' ? user.id : user[settings.USER_ID_FIELD];
}
