import { describe, expect, it } from 'vitest';
import { PASSWORD_HELP_TEXTS, validatePassword } from './validators.js';
import type { PasswordUserAttributes } from './validators.js';

const TOO_SHORT = 'This password is too short. It must contain at least 8 characters.';
const TOO_COMMON = 'This password is too common.';
const NUMERIC = 'This password is entirely numeric.';
const similarTo = (name: string): string => `The password is too similar to the ${name}.`;

describe('MinimumLengthValidator', () => {
  it('rejects fewer than 8 characters', () => {
    expect(validatePassword('xK9#qz!')).toEqual([TOO_SHORT]);
    expect(validatePassword('xK9#qz!w')).toEqual([]);
    expect(validatePassword('')).toEqual([TOO_SHORT]);
  });

  it('counts code points, so astral characters count once', () => {
    expect('𝒜𝒜𝒜𝒜'.length).toBe(8); // 8 UTF-16 units, 4 characters
    expect(validatePassword('𝒜𝒜𝒜𝒜')).toEqual([TOO_SHORT]);
    expect(validatePassword('𝒜𝒜𝒜𝒜𝒜𝒜𝒜')).toEqual([TOO_SHORT]);
    expect(validatePassword('𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜')).toEqual([]);
  });
});

describe('CommonPasswordValidator', () => {
  it('rejects a listed password', () => {
    expect(validatePassword('password')).toEqual([TOO_COMMON]);
    expect(validatePassword('qwerty123')).toEqual([TOO_COMMON]);
  });

  it('lowercases and strips (Python whitespace) before looking up', () => {
    expect(validatePassword('Password ')).toEqual([TOO_COMMON]);
    expect(validatePassword('  PASSWORD\t')).toEqual([TOO_COMMON]);
    // Python's strip() removes U+001C and U+3000, which JavaScript's trim() does not / does.
    expect(validatePassword('\u001cpassword\u3000')).toEqual([TOO_COMMON]);
    // ...and keeps U+FEFF, which trim() would remove.
    expect(validatePassword('\ufeffpassword')).toEqual([]);
  });

  it('accepts an unlisted password', () => {
    expect(validatePassword('correct horse battery')).toEqual([]);
  });
});

describe('NumericPasswordValidator', () => {
  it('rejects ASCII digits only', () => {
    expect(validatePassword('98765432109')).toEqual([NUMERIC]);
    expect(validatePassword('1234567a')).toEqual([TOO_COMMON]);
  });

  it('rejects other Unicode decimal digits (Arabic-Indic)', () => {
    expect(validatePassword('١٢٣٤٥٦٧٨٩')).toEqual([NUMERIC]);
  });

  it("rejects Python's non-decimal digits: superscripts, circled digits", () => {
    expect(validatePassword('²³¹²³¹²³¹')).toEqual([NUMERIC]);
    expect(validatePassword('①②③④⑤⑥⑦⑧')).toEqual([NUMERIC]);
    expect(validatePassword('𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖')).toEqual([NUMERIC]); // mathematical bold digits (Nd, astral)
  });

  it('accepts numbers that are not digits (fractions, Roman numerals)', () => {
    // str.isdigit() is False for Numeric_Type=Numeric characters such as ½ and Ⅻ.
    expect(validatePassword('½½½½½½½½')).toEqual([]);
    expect(validatePassword('ⅫⅫⅫⅫⅫⅫⅫⅫ')).toEqual([]);
  });

  it('does not call the empty password numeric', () => {
    expect(validatePassword('')).not.toContain(NUMERIC);
  });
});

describe('UserAttributeSimilarityValidator', () => {
  it('is skipped without a user', () => {
    expect(validatePassword('tessera-admin')).toEqual([]);
  });

  it('rejects the username itself', () => {
    expect(validatePassword('tessera-admin', { username: 'tessera-admin' })).toEqual([similarTo('username')]);
    expect(validatePassword('TESSERA-ADMIN', { username: 'Tessera-Admin' })).toEqual([similarTo('username')]);
  });

  it("names the email field 'email address' and compares with the whole address", () => {
    const user = { username: 'zz', email: 'kyoko.tanaka@example.com' };
    expect(validatePassword('tanaka@example', user)).toEqual([similarTo('email address')]);
    expect(validatePassword('kyoko.tanaka', user)).toEqual([]);
  });

  it('compares with each part split on non-word characters', () => {
    expect(validatePassword('Kyokotanaka', { username: 'zz', firstName: 'Kyoko', lastName: 'Tanaka' })).toEqual([similarTo('last name')]);
    expect(validatePassword('kyoko123', { firstName: 'Kyoko' })).toEqual([similarTo('first name')]);
    // 2 * 5 shared / (10 + 5) = 0.67, under the 0.7 bound.
    expect(validatePassword('kyokokyoko', { firstName: 'Kyoko' })).toEqual([]);
  });

  it('reports only the first similar attribute', () => {
    expect(validatePassword('kyokotanaka', { username: 'kyokotanaka', email: 'kyokotanaka@example.com' })).toEqual([similarTo('username')]);
  });

  it('splits and lowercases Unicode like Python (\\W, lower())', () => {
    expect(validatePassword('garcía-sol', { username: 'josé.garcía' })).toEqual([similarTo('username')]);
    expect(validatePassword('ΣΊΣΥΦΟΣ-λίθος', { username: 'σίσυφος' })).toEqual([similarTo('username')]);
  });

  it('skips a part the password is at least 10 times longer than', () => {
    const fifty = `kyoko${'x'.repeat(45)}`;
    expect(validatePassword(fifty, { username: 'kyoko' })).toEqual([]);
    expect(validatePassword(fifty.slice(0, 49), { username: 'kyoko' })).toEqual([]);
    // The rule's second condition (part shorter than 0.35 * len(password)) is what keeps the
    // empty part of "a." in play for an empty password: quick_ratio('', '') is 1.0.
    expect(validatePassword('', { username: 'a.' })).toEqual([similarTo('username'), TOO_SHORT]);
  });

  it('ignores empty and missing attributes', () => {
    expect(validatePassword('', { username: '' })).toEqual([TOO_SHORT]);
    expect(validatePassword('tessera-admin', {})).toEqual([]);
  });
});

describe('messages together', () => {
  it("come in Django's order", () => {
    expect(validatePassword('12345')).toEqual([TOO_SHORT, TOO_COMMON, NUMERIC]);
    expect(validatePassword('123', { username: '123' })).toEqual([similarTo('username'), TOO_SHORT, TOO_COMMON, NUMERIC]);
    expect(validatePassword('12345678')).toEqual([TOO_COMMON, NUMERIC]);
  });

  it('help texts are Django’s, in order', () => {
    expect(PASSWORD_HELP_TEXTS).toEqual([
      'Your password can’t be too similar to your other personal information.',
      'Your password must contain at least 8 characters.',
      'Your password can’t be a commonly used password.',
      'Your password can’t be entirely numeric.',
    ]);
  });
});

/*
 * Cross-check against Django itself. Each expected list below is what Debian's Django 3.2.25
 * answered, collected with:
 *   settings.configure(INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes'],
 *     AUTH_PASSWORD_VALIDATORS=[{'NAME': 'django.contrib.auth.password_validation.<V>'} for the four
 *     validators, in the default order]); django.setup()
 *   validate_password(password, user=User(username=..., first_name=..., last_name=..., email=...))
 * and printing ValidationError.messages (an unsaved User, so the attribute check sees exactly
 * these values). The other expectations in this file were checked the same way.
 */
const DJANGO_ANSWERS: readonly [string, PasswordUserAttributes | null, string[]][] = [
  ['12345', null, [TOO_SHORT, TOO_COMMON, NUMERIC]],
  ['', null, [TOO_SHORT]],
  ['', { username: 'a.' }, [similarTo('username'), TOO_SHORT]],
  ['correct horse battery', null, []],
  ['tessera-admin', { username: 'tessera-admin' }, [similarTo('username')]],
  ['123', { username: '123' }, [similarTo('username'), TOO_SHORT, TOO_COMMON, NUMERIC]],
  ['tanaka@example', { username: 'zz', email: 'kyoko.tanaka@example.com' }, [similarTo('email address')]],
  ['kyoko.tanaka', { username: 'zz', email: 'kyoko.tanaka@example.com' }, []],
  ['Kyokotanaka', { username: 'zz', firstName: 'Kyoko', lastName: 'Tanaka' }, [similarTo('last name')]],
  ['tanakas-horse', { username: 'zz', firstName: 'Kyoko', lastName: 'Tanaka' }, []],
  [`kyoko${'x'.repeat(45)}`, { username: 'kyoko' }, []],
  [`kyoko${'x'.repeat(44)}`, { username: 'kyoko' }, []],
  ['ykoko', { username: 'kyoko' }, [similarTo('username'), TOO_SHORT]],
  ['garcía-sol', { username: 'josé.garcía' }, [similarTo('username')]],
  ['GARCÍA', { username: 'josé.garcía' }, [similarTo('username'), TOO_SHORT]],
  ['password', null, [TOO_COMMON]],
  ['Password ', null, [TOO_COMMON]],
  ['\u001cpassword\u3000', null, [TOO_COMMON]],
  ['\ufeffpassword', null, []],
  ['password\ufeff', null, []],
  ['qwerty123', null, [TOO_COMMON]],
  ['١٢٣٤٥٦٧٨٩', null, [NUMERIC]],
  ['²³¹²³¹²³¹', null, [NUMERIC]],
  ['①②③④⑤⑥⑦⑧', null, [NUMERIC]],
  ['12345678', null, [TOO_COMMON, NUMERIC]],
  ['1234567a', null, [TOO_COMMON]],
  ['98765432109', null, [NUMERIC]],
  ['𝒜𝒜𝒜𝒜𝒜𝒜𝒜', null, [TOO_SHORT]],
  ['𝒜𝒜𝒜𝒜𝒜𝒜𝒜𝒜', null, []],
  ['ΣΊΣΥΦΟΣ-λίθος', { username: 'σίσυφος' }, [similarTo('username')]],
];

describe('answers recorded from Django 3.2.25', () => {
  it.each(DJANGO_ANSWERS)('%j with %j', (password, user, expected) => {
    expect(validatePassword(password, user ?? undefined)).toEqual(expected);
  });
});
