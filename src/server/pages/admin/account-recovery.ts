/** Reads what the console's recovery card shows for one user (`account-recovery-view.ts`). */
import { hasAccountStore } from '../../../accounts/account-store.js';
import type { TesseraContext } from '../../../http/context.js';
import type { User } from '../../../model/user.js';
import { resetUnavailableReason, type RecoveryView } from './account-recovery-view.js';

/** The card's data, or `undefined` when the store keeps no email addresses (no card then). */
export async function recoveryViewOf(context: TesseraContext, user: User): Promise<RecoveryView | undefined> {
  const { store } = context;
  if (!hasAccountStore(store)) return undefined;
  return {
    verification: context.settings.ACCOUNT_EMAIL_VERIFICATION,
    address: user.email === '' ? undefined : await store.findEmailAddress(user.id, user.email),
    resetUnavailable: resetUnavailableReason(user),
  };
}
