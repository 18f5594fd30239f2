import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2ID_PARAMS, hashPassword, verifyAgainstDummy, verifyPassword } from './hasher.js';

/*
 * Django fixtures, made by Debian's Django 3.2.25 (password "contrasenasegura"):
 *   /usr/bin/python3 -c "import django; from django.conf import settings; settings.configure();
 *     django.setup(); from django.contrib.auth.hashers import make_password;
 *     print(make_password('contrasenasegura')); print(make_password('contrasenasegura', hasher='pbkdf2_sha1'))"
 * and, with python3-argon2 installed and
 *   settings.configure(PASSWORD_HASHERS=['django.contrib.auth.hashers.Argon2PasswordHasher'])
 * the same make_password call for DJANGO_ARGON2 (Django 3.2 writes a 16-byte tag, m=102400,t=2,p=8).
 */
const DJANGO_PBKDF2_SHA256 = 'pbkdf2_sha256$260000$jzX9xFSqcHo4MqgDIbfFBT$wwsfOlgsBopGtXAhWML+aXuJTHnOOco0rUA456aYupM=';
const DJANGO_PBKDF2_SHA1 = 'pbkdf2_sha1$260000$qybiZ1oAxaEeIn7Nr0MHas$5QtbW1oYZRzY2w/dKlecy/eBCAA=';
const DJANGO_ARGON2 = 'argon2$argon2id$v=19$m=102400,t=2,p=8$eE55Z2swWnliS1oxOVF4dW90dkljYg$6Y5UYZm5+8F6n/JY2/fSug';
const PASSWORD = 'contrasenasegura';

describe('hashPassword / verifyPassword with argon2id', () => {
  it('round-trips and writes the OWASP parameters into the PHC string', async () => {
    const encoded = await hashPassword(PASSWORD);
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(PASSWORD, encoded)).toEqual({ valid: true, needsRehash: false });
    expect(ARGON2ID_PARAMS).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('salts: the same password hashes differently each time', async () => {
    const [first, second] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(first).not.toBe(second);
  });

  it('rejects a wrong password', async () => {
    const encoded = await hashPassword(PASSWORD);
    expect(await verifyPassword('contrasenasegurA', encoded)).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword('', encoded)).toEqual({ valid: false, needsRehash: false });
  });

  it('handles non-ASCII passwords', async () => {
    const plain = 'contraseña segura 🔐';
    const encoded = await hashPassword(plain);
    expect((await verifyPassword(plain, encoded)).valid).toBe(true);
    expect((await verifyPassword('contrasena segura 🔐', encoded)).valid).toBe(false);
  });

  it('asks for a rehash of a valid hash weaker than the current parameters', async () => {
    const weak = await hash(PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(await verifyPassword(PASSWORD, weak)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword('wrong', weak)).toEqual({ valid: false, needsRehash: false });
  });

  it('refuses, without running it, an argon2 hash asking for absurd memory', async () => {
    const weak = await hash(PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    const crafted = weak.replace('m=8192', 'm=4194304');
    expect(await verifyPassword(PASSWORD, crafted)).toEqual({ valid: false, needsRehash: false });
  });
});

describe('verifyPassword with Django hashes', () => {
  it('verifies a real Django pbkdf2_sha256 hash and asks for a rehash', async () => {
    expect(await verifyPassword(PASSWORD, DJANGO_PBKDF2_SHA256)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword('contrasenasegur', DJANGO_PBKDF2_SHA256)).toEqual({ valid: false, needsRehash: false });
  });

  it('verifies a real Django pbkdf2_sha1 hash', async () => {
    expect(await verifyPassword(PASSWORD, DJANGO_PBKDF2_SHA1)).toEqual({ valid: true, needsRehash: true });
    expect((await verifyPassword('nope', DJANGO_PBKDF2_SHA1)).valid).toBe(false);
  });

  it("verifies a real Django argon2 hash (Django's 'argon2' prefix) and asks for a rehash", async () => {
    expect(await verifyPassword(PASSWORD, DJANGO_ARGON2)).toEqual({ valid: true, needsRehash: true });
    expect((await verifyPassword('nope', DJANGO_ARGON2)).valid).toBe(false);
  });

  it('matches only the exact encoding Django would re-create', async () => {
    // Django re-encodes and compares whole strings: a non-canonical iteration count never matches.
    const leadingZero = DJANGO_PBKDF2_SHA256.replace('$260000$', '$0260000$');
    expect((await verifyPassword(PASSWORD, leadingZero)).valid).toBe(false);
    const wrongIterations = DJANGO_PBKDF2_SHA256.replace('$260000$', '$260001$');
    expect((await verifyPassword(PASSWORD, wrongIterations)).valid).toBe(false);
  });

  it('refuses, without running it, a pbkdf2 hash asking for absurd iterations', async () => {
    const crafted = DJANGO_PBKDF2_SHA256.replace('$260000$', '$99999999$');
    const started = performance.now();
    expect(await verifyPassword(PASSWORD, crafted)).toEqual({ valid: false, needsRehash: false });
    // 99,999,999 rounds of HMAC-SHA256 would take tens of seconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('verifyPassword with unusable and malformed hashes', () => {
  const unusable = [
    // Django's set_unusable_password(): "!" + 40 random characters.
    '!ZD2bB5vM8lJ5q8QNg1yUW3eRjz8pQmTbnwQGeXUn',
    `!${DJANGO_PBKDF2_SHA256}`,
    '',
    'contrasenasegura',
    'md5$salt$0123456789abcdef',
    'pbkdf2_sha256$',
    'pbkdf2_sha256$260000$salt',
    'pbkdf2_sha256$abc$salt$hash',
    'pbkdf2_sha256$-5$salt$hash',
    'pbkdf2_sha256$0$salt$hash',
    'pbkdf2_sha256$260000$$wwsfOlgsBopGtXAhWML+aXuJTHnOOco0rUA456aYupM=',
    `${DJANGO_PBKDF2_SHA256}$extra`,
    '$argon2id$',
    '$argon2id$v=19$m=19456,t=2,p=1$not-base64!$nope',
    'argon2$argon2id$garbage',
    'argon2$',
  ];

  it.each(unusable)('%j is never valid and never throws', async (encoded) => {
    await expect(verifyPassword(PASSWORD, encoded)).resolves.toEqual({ valid: false, needsRehash: false });
  });
});

describe('verifyAgainstDummy', () => {
  it('can be called concurrently before the dummy hash exists', async () => {
    await expect(Promise.all(Array.from({ length: 4 }, () => verifyAgainstDummy('x')))).resolves.toHaveLength(4);
  });

  it('takes about as long as a real argon2id verification', async () => {
    const encoded = await hashPassword(PASSWORD);
    await verifyAgainstDummy('warm-up'); // the dummy hash is computed once, on first use
    const median = (samples: number[]): number => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
    const time = async (run: () => Promise<unknown>): Promise<number> => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        await run();
        samples.push(performance.now() - started);
      }
      return median(samples);
    };
    const real = await time(() => verifyPassword('wrong password', encoded));
    const dummy = await time(() => verifyAgainstDummy('wrong password'));
    // Generous bounds: this checks that real argon2 work happens, not the exact time.
    expect(dummy).toBeGreaterThan(real * 0.5);
    expect(dummy).toBeLessThan(real * 2 + 20);
  });
});

describe('event loop', () => {
  it('stays responsive while 8 passwords hash concurrently', async () => {
    // A correctness check (the work runs off the main thread), not a benchmark.
    let last = performance.now();
    let maxGap = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks += 1;
    }, 1);
    try {
      const started = performance.now();
      const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => hashPassword(`password number ${i}`)));
      const finished = performance.now();
      const elapsed = finished - started;
      // Count the time since the last tick too: blocking hashes would resolve before any tick.
      maxGap = Math.max(maxGap, finished - last);
      expect(hashes).toHaveLength(8);
      expect(maxGap).toBeLessThan(50);
      // The timer really ran during the hashing (it did not just start after it).
      expect(ticks).toBeGreaterThan(Math.min(5, elapsed / 10));
    } finally {
      clearInterval(timer);
    }
  });
});
