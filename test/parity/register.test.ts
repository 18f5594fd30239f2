/**
 * POST /accounts/register/ (the tutorial's RegisterSerializer, ../shared/reference/accounts)
 * and logging in as the new users. Usernames are unique per test so the servers' user tables
 * stay comparable even where a deliberate difference creates a user on one side only.
 */
import { describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import { loginBoth, ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { SUPERUSER } from './servers.js';

const pair = useServerPair('default');

const GOOD_PASSWORD = 'Tessellate-42-mosaic';
const CREATED = { status: 201, body: '' };

interface Registration {
  email?: unknown;
  username?: unknown;
  first_name?: unknown;
  password?: unknown;
  password2?: unknown;
}

function registration(username: string, overrides: Registration = {}): Registration {
  return { email: `${username}@example.com`, username, first_name: 'Ada', password: GOOD_PASSWORD, password2: GOOD_PASSWORD, ...overrides };
}

const register = (body: unknown): RawRequest => jsonRequest(ROUTES.register, body);

async function expectStatusAndBody(request: RawRequest, expected: { status: number; body: string }): Promise<void> {
  const { reference } = await expectParity(pair(), request);
  expect({ status: reference.status, body: reference.body }).toEqual(expected);
}

describe('POST /accounts/register/', () => {
  it('refuses a case variant of an existing username (deliberate difference username-case-folding)', async () => {
    await expectDeliberateDifference(
      pair(),
      'username-case-folding',
      register(registration('KYOKO', { email: 'kyoko-upper@example.com' })),
    );
  });

  it('stores a fullwidth username as its NFKC form (deliberate difference username-nfkc)', async () => {
    await expectStatusAndBody(register(registration('ｂｅａ', { email: 'bea@example.com' })), CREATED);
    // The name as typed logs in on both; its NFKC form only on Tessera.
    await loginBoth(pair(), 'ｂｅａ', GOOD_PASSWORD);
    await expectDeliberateDifference(pair(), 'username-nfkc', jsonRequest(ROUTES.obtain, { username: 'bea', password: GOOD_PASSWORD }));
  });

  it('creates a user: 201, an empty body and no Content-Type; the user can then log in', async () => {
    const { reference } = await expectParity(pair(), register(registration('ada')));
    expect({ status: reference.status, body: reference.body, type: reference.headers['content-type'] }).toEqual({ ...CREATED, type: null });
    const tokens = await loginBoth(pair(), 'ada', GOOD_PASSWORD);
    expect(tokens.reference.access).not.toBe('');
  });

  it("lists every missing field, in the serializer's field order", async () => {
    await expectStatusAndBody(register({}), {
      status: 400,
      body:
        '{"email":["This field is required."],"username":["This field is required."],"password":["This field is required."],' +
        '"password2":["This field is required."],"first_name":["This field is required."]}',
    });
  });

  const cases: Array<[string, Registration, number, string]> = [
    [
      'blank and null fields',
      { email: '', username: '', first_name: null, password: '', password2: null },
      400,
      '{"email":["This field may not be blank."],"username":["This field may not be blank."],"password":["This field may not be blank."],"password2":["This field may not be null."],"first_name":["This field may not be null."]}',
    ],
    ['an invalid email', registration('bea', { email: 'not-an-email' }), 400, '{"email":["Enter a valid email address."]}'],
    [
      'a common, numeric password',
      registration('cai', { password: '12345678', password2: '12345678' }),
      400,
      '{"password":["This password is too common.","This password is entirely numeric."]}',
    ],
    [
      'a short password',
      registration('dov', { password: 'Zq9!', password2: 'Zq9!' }),
      400,
      '{"password":["This password is too short. It must contain at least 8 characters."]}',
    ],
    [
      'a common password in another case',
      registration('eli', { password: 'PassWord', password2: 'PassWord' }),
      400,
      '{"password":["This password is too common."]}',
    ],
    [
      'mismatched passwords',
      registration('fay', { password2: 'something-else-entirely' }),
      400,
      '{"password":["Password fields didn\'t match."]}',
    ],
    [
      'field errors stop validate(): a bad email and mismatched passwords',
      registration('gus', { email: 'x', password2: 'nope-nope-nope' }),
      400,
      '{"email":["Enter a valid email address."]}',
    ],
    [
      'a taken username',
      registration(SUPERUSER.username, { email: 'other@example.com' }),
      400,
      '{"username":["User with this username already exists."]}',
    ],
    ['a taken email', registration('hal', { email: SUPERUSER.email }), 400, '{"email":["User with this email already exists."]}'],
    [
      'mismatch is reported before a taken username',
      registration(SUPERUSER.username, { password2: 'x-mismatch-x' }),
      400,
      '{"password":["Password fields didn\'t match."]}',
    ],
    ['a list as a username', registration('ivy', { username: ['ivy'] }), 400, '{"username":["Not a valid string."]}'],
    ['a NUL in the first name', registration('jon', { first_name: 'J\u0000' }), 400, '{"first_name":["Null characters are not allowed."]}'],
    ['a number as the first name (coerced)', registration('kai', { first_name: 12 }), 201, ''],
    [
      'a non-ASCII email local part (Django 3.2 refuses it)',
      registration('ole', { email: 'olé@example.com' }),
      400,
      '{"email":["Enter a valid email address."]}',
    ],
    ['an unusual but valid email', registration('lea', { email: 'Lea.O+tag@Sub.Example.COM' }), 201, ''],
    ['a username at the 150-character limit', registration('m'.repeat(150)), 201, ''],
    ['a unicode username', registration('ñandú', { email: 'nandu@example.com' }), 201, ''],
    ['a password of 200 characters', registration('noa', { password: 'p'.repeat(199) + '!', password2: 'p'.repeat(199) + '!' }), 201, ''],
  ];

  it.each(cases)('%s', async (_name, body, status, text) => {
    await expectStatusAndBody(register(body), { status, body: text });
  });

  it('trims the username, so " oto " is registered (and logs in) as "oto"', async () => {
    await expectStatusAndBody(register(registration(' oto ', { email: 'oto@example.com' })), CREATED);
    await loginBoth(pair(), 'oto', GOOD_PASSWORD);
    await expectStatusAndBody(register(registration('oto', { email: 'oto2@example.com' })), {
      status: 400,
      body: '{"username":["User with this username already exists."]}',
    });
  });

  it('logs in a unicode username exactly as registered', async () => {
    await expectStatusAndBody(register(registration('ñu', { email: 'nu@example.com' })), CREATED);
    await loginBoth(pair(), 'ñu', GOOD_PASSWORD);
  });

  it('accepts a form-encoded registration', async () => {
    const form = new URLSearchParams({
      email: 'pia@example.com',
      username: 'pia',
      first_name: 'Pia',
      password: GOOD_PASSWORD,
      password2: GOOD_PASSWORD,
    });
    await expectStatusAndBody(
      { method: 'POST', path: ROUTES.register, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: form.toString() },
      CREATED,
    );
  });

  it('answers 405 to GET, allowing POST and OPTIONS', async () => {
    const { reference } = await expectParity(pair(), { method: 'GET', path: ROUTES.register });
    // The order varies between reference instances (RANDOM_ALLOW_ORDER_PATHS in compare.ts).
    expect({ status: reference.status, allow: reference.headers.allow?.split(', ').sort() }).toEqual({
      status: 405,
      allow: ['OPTIONS', 'POST'],
    });
  });

  describe('deliberate differences', () => {
    it('register-password-similarity: a password close to the username', async () => {
      await expectDeliberateDifference(
        pair(),
        'register-password-similarity',
        register(registration('quentinmosaic', { password: 'quentinmosaic1', password2: 'quentinmosaic1' })),
      );
    });

    it('register-username-characters: spaces and "!"', async () => {
      await expectDeliberateDifference(pair(), 'register-username-characters', register(registration('rae', { username: 'rae smith!' })));
    });

    it('register-username-characters: a decomposed (NFD) accent, a combining mark', async () => {
      await expectDeliberateDifference(pair(), 'register-username-characters', register(registration('vic', { username: 'jose\u0301' })));
    });

    it('register-username-characters: an emoji', async () => {
      await expectDeliberateDifference(pair(), 'register-username-characters', register(registration('sol', { username: 'sol\u{1F600}' })));
    });

    it('register-username-length: 151 characters', async () => {
      await expectDeliberateDifference(pair(), 'register-username-length', register(registration('t'.repeat(151))));
    });

    it("register-email-case-insensitive: the superuser's email in upper case", async () => {
      await expectDeliberateDifference(
        pair(),
        'register-email-case-insensitive',
        register(registration('uma', { email: SUPERUSER.email.toUpperCase() })),
      );
    });
  });
});
