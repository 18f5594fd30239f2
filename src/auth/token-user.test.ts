import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { TesseraError } from '../errors.js';
import { hashPassword } from '../passwords/hasher.js';
import { issuePair } from '../sessions/issue-tokens.js';
import { createTessera, type Tessera } from '../app/tessera.js';
import { tokenUserFromClaims } from './token-user.js';
import { contextOf } from '../app/tessera-context.js';

const SECRET = 'token-user-test-secret-0123456789abcdef-0123456789';

async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('expected a TesseraError');
}

describe('stateless authentication (simplejwt TokenUser)', () => {
  let store: MemoryStore;
  let tessera: Tessera;
  let userId: number;

  beforeEach(async () => {
    store = new MemoryStore();
    tessera = await createTessera({
      store,
      env: { TESSERA_SECRET_KEY: SECRET },
      configFile: false,
      hooks: { customClaims: (user) => ({ username: user.username, is_staff: user.isStaff }) },
    });
    userId = (await store.createUser({ username: 'kyoko', password: await hashPassword('contrasenasegura'), isStaff: true })).id;
  });
  afterEach(async () => tessera.close());

  /** A pair minted as login mints it (custom claims included), without going through HTTP. */
  async function pair(): Promise<{ refresh: string; access: string }> {
    const user = await store.findUser('id', userId);
    if (user === undefined) throw new Error('no user');
    return issuePair(contextOf(tessera), user);
  }

  it('builds the user from the token alone, with no user lookup', async () => {
    const { access } = await pair();
    store.lookups = 0;
    const user = await tessera.authenticateStateless(`Bearer ${access}`);
    expect(store.lookups).toBe(0);
    expect(user).toMatchObject({ id: userId, username: 'kyoko', isStaff: true, isSuperuser: false, isActive: true });
    expect(user?.claims).toMatchObject({ token_type: 'access', user_id: userId, username: 'kyoko' });
  });

  it('keeps accepting the token of a deleted user until it expires, as simplejwt does', async () => {
    const { access } = await pair();
    await store.deleteUser(userId);
    expect((await tessera.authenticateStateless(`Bearer ${access}`))?.id).toBe(userId);
  });

  it('answers "no credentials" and bad credentials as authenticateHeader does', async () => {
    const { refresh } = await pair();
    expect(await tessera.authenticateStateless(undefined)).toBeUndefined();
    expect(await tessera.authenticateStateless(`Token ${refresh}`)).toBeUndefined();
    expect((await rejection(tessera.authenticateStateless('Bearer a b'))).code).toBe('bad_authorization_header');
    const wrongType = await rejection(tessera.authenticateStateless(`Bearer ${refresh}`));
    expect(wrongType.body).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }],
    });
  });

  it('refuses a token that names no user', () => {
    const error = (() => {
      try {
        tokenUserFromClaims({ token_type: 'access', jti: 'x' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).body).toEqual({
      detail: 'Token contained no recognizable user identification',
      code: 'token_not_valid',
    });
    expect(() => tokenUserFromClaims({ user_id: null })).toThrow(TesseraError);
  });

  it('reads the user id from the claim it is told (USER_ID_CLAIM)', () => {
    expect(tokenUserFromClaims({ sub: 'u-7', user_id: 3 }, { USER_ID_CLAIM: 'sub' }).id).toBe('u-7');
    expect(tokenUserFromClaims({ user_id: 3 }).id).toBe(3);
    expect(() => tokenUserFromClaims({ user_id: 3 }, { USER_ID_CLAIM: 'sub' })).toThrow(TesseraError);
  });

  it('takes username and flags only when the claims have the right types', () => {
    const user = tokenUserFromClaims({ user_id: 'abc', username: 5, is_staff: 'yes', is_superuser: true });
    // JSON shows the data; the permission checks are methods.
    expect(JSON.parse(JSON.stringify(user))).toEqual({
      id: 'abc',
      username: '',
      isStaff: false,
      isSuperuser: true,
      isActive: true,
      claims: { user_id: 'abc', username: 5, is_staff: 'yes', is_superuser: true },
      groups: [],
    });
    // A superuser has every permission, as in Django, with or without a permissions claim.
    expect(user.hasPermissions('blog.add_post', 'any.thing')).toBe(true);
  });

  it('reads groups and permissions from TOKEN_GROUPS_CLAIM and TOKEN_PERMISSIONS_CLAIM when they are set', () => {
    const claims = { user_id: 7, roles: ['editors', 5], perms: ['blog.publish_post', null] };
    const unset = tokenUserFromClaims(claims);
    expect([unset.groups, unset.hasPermission('blog.publish_post'), unset.inGroup('editors')]).toEqual([[], false, false]);
    const settings = { USER_ID_CLAIM: 'user_id', TOKEN_GROUPS_CLAIM: 'roles', TOKEN_PERMISSIONS_CLAIM: 'perms' };
    const user = tokenUserFromClaims(claims, settings);
    expect(user.groups).toEqual(['editors']);
    expect(user.inGroup('chiefs', 'editors')).toBe(true);
    expect(user.hasPermission('blog.publish_post')).toBe(true);
    expect(user.hasPermissions('blog.publish_post', 'blog.delete_post')).toBe(false);
    // A claim of the wrong shape grants nothing.
    expect(tokenUserFromClaims({ user_id: 7, roles: 'editors', perms: 'blog.publish_post' }, settings)).toMatchObject({ groups: [] });
    expect(tokenUserFromClaims({ user_id: 7, perms: 'blog.publish_post' }, settings).hasPermission('blog.publish_post')).toBe(false);
  });
});
