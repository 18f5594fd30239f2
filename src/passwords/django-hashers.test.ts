/**
 * Every password format of a real Django database verifies, asks for a rehash, and refuses a
 * wrong password. The hashes come from test/django-import/fixtures/django.json, written by real
 * Django 3.2 (test/django-import/make-fixtures.sh); the scrypt one is Django 4.0's format made
 * with Python's hashlib.scrypt, since Django 3.2 has no scrypt hasher.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { identifyHashFormat, WEAK_DJANGO_FORMATS, type DjangoHashFormat } from './django-hashers.js';
import { verifyPassword } from './hasher.js';

interface FixtureUser {
  readonly login: string;
  readonly password: string | null;
  readonly format: string;
  readonly encoded: string;
}

const manifest = JSON.parse(readFileSync(new URL('../../test/django-import/fixtures/django.json', import.meta.url), 'utf8')) as {
  users: FixtureUser[];
};
const byFormat = new Map(manifest.users.map((user) => [user.format, user]));
const ALLOW_WEAK = { allowWeakDjangoHashes: true };

function fixture(format: string): FixtureUser & { password: string } {
  const user = byFormat.get(format);
  if (user?.password == null) throw new Error(`no fixture user with a password in format ${format}`);
  return { ...user, password: user.password };
}

const STRONG = ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'argon2i', 'bcrypt_sha256', 'bcrypt', 'scrypt'];
const WEAK = ['sha1', 'md5', 'unsalted_sha1', 'unsalted_md5'];

describe('Django password formats', () => {
  it('the fixtures hold one user per format Django has, scrypt included', () => {
    expect([...byFormat.keys()].sort()).toEqual([...STRONG, ...WEAK, 'crypt', 'unusable'].sort());
  });

  it.each(STRONG)('%s: the right password verifies and asks for a rehash; a wrong one does not', async (format) => {
    const user = fixture(format);
    expect(await verifyPassword(user.password, user.encoded)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword(`${user.password}x`, user.encoded)).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword('', user.encoded)).toEqual({ valid: false, needsRehash: false });
  });

  it.each(WEAK)('%s: verifies only when weak Django hashes are allowed', async (format) => {
    const user = fixture(format);
    expect(await verifyPassword(user.password, user.encoded)).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(user.password, user.encoded, ALLOW_WEAK)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword(`${user.password}x`, user.encoded, ALLOW_WEAK)).toEqual({ valid: false, needsRehash: false });
  });

  it('unusable passwords and crypt(3) hashes never match', async () => {
    const unusable = byFormat.get('unusable');
    const crypt = fixture('crypt');
    expect(unusable?.encoded.startsWith('!')).toBe(true);
    for (const guess of ['', '!', unusable?.encoded ?? '', unusable?.encoded.slice(1) ?? '']) {
      expect((await verifyPassword(guess, unusable?.encoded ?? '!', ALLOW_WEAK)).valid).toBe(false);
    }
    expect((await verifyPassword(crypt.password, crypt.encoded, ALLOW_WEAK)).valid).toBe(false);
  });

  it('names each format as Django identify_hasher does', () => {
    for (const user of manifest.users) {
      const expected = user.format === 'argon2i' ? 'argon2' : user.format;
      expect(identifyHashFormat(user.encoded), user.login).toBe(expected);
    }
    expect(identifyHashFormat('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA')).toBe('argon2id');
    expect(identifyHashFormat('md5$$' + '0'.repeat(32))).toBe('unsalted_md5');
    expect(identifyHashFormat('whatever$1$2')).toBe('unknown');
    expect(WEAK_DJANGO_FORMATS).toEqual(new Set<DjangoHashFormat>(['md5', 'sha1', 'unsalted_md5', 'unsalted_sha1']));
  });

  it('refuses, without running them, hashes that ask for absurd work', async () => {
    const scrypt = fixture('scrypt');
    // N = 2^24, r = 8: 16 GiB of memory.
    const hugeScrypt = scrypt.encoded.replace(/^scrypt\$16384\$/, 'scrypt$16777216$');
    expect((await verifyPassword(scrypt.password, hugeScrypt)).valid).toBe(false);
    const notPowerOfTwo = scrypt.encoded.replace(/^scrypt\$16384\$/, 'scrypt$16383$');
    expect((await verifyPassword(scrypt.password, notPowerOfTwo)).valid).toBe(false);
    const bcrypt = fixture('bcrypt');
    const costly = bcrypt.encoded.replace('$2b$12$', '$2b$31$');
    expect((await verifyPassword(bcrypt.password, costly)).valid).toBe(false);
    const pbkdf2 = fixture('pbkdf2_sha256');
    expect((await verifyPassword(pbkdf2.password, pbkdf2.encoded.replace('$260000$', '$99999999$'))).valid).toBe(false);
  });

  it('matches only the exact encoding Django would re-create', async () => {
    const scrypt = fixture('scrypt');
    expect((await verifyPassword(scrypt.password, scrypt.encoded.replace('$8$1$', '$08$1$'))).valid).toBe(false);
    const md5 = fixture('unsalted_md5');
    expect((await verifyPassword(md5.password, md5.encoded.toUpperCase(), ALLOW_WEAK)).valid).toBe(false);
    expect((await verifyPassword(md5.password, `md5$$${md5.encoded}`, ALLOW_WEAK)).valid).toBe(true);
  });
});
