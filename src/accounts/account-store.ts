/**
 * The store, with the account-recovery methods it must have for these use cases. A store
 * without them (your own user store) gets no recovery routes (`createTessera`).
 */
import type { AccountStore } from '../model/store.js';
import type { CachedStore } from '../stores/user-cache.js';

export type StoreWithAccounts = CachedStore & AccountStore;

const ACCOUNT_METHODS: readonly (keyof AccountStore)[] = [
  'findUserByEmail',
  'replacePassword',
  'findEmailAddress',
  'findEmailAddressById',
  'addEmailAddress',
  'verifyEmailAddress',
  'listEmailAddresses',
];

export function hasAccountStore(store: CachedStore): store is StoreWithAccounts {
  return ACCOUNT_METHODS.every((method) => typeof store[method] === 'function');
}

/** The context's store as an account store; routes are only mounted when it is one. */
export function accountStore(context: { readonly store: CachedStore }): StoreWithAccounts {
  if (!hasAccountStore(context.store)) throw new TypeError('This store has no account-recovery methods (AccountStore)');
  return context.store;
}
