/**
 * Issue 12 §7 and the administrator's unlock of §2, over real HTTP against `tessera serve`:
 * usernames are NFKC-normalised at registration, login and in the admin console; invisible
 * names are refused; control characters (NUL included) are refused with a field error in every
 * console form; and a staff user clears an account's login locks from the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import { consoleCsrfToken, consoleSessionFrom, consoleSignInFrom } from '../support/console-sign-in.js';
import { clientAddress, countStatuses, loginFrom, sendFrom } from '../support/from-address.js';

const PASSWORD = 'unicode-passphrase-long-enough';
let server: CliServerProcess;

beforeAll(async () => {
  server = await startCliServer({ TESSERA_THROTTLE_LOGIN_ACCOUNT: '5/day' });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const register = (username: string, email: string, from = clientAddress(1)) =>
  sendFrom(server.baseUrl, from, 'POST', '/accounts/register/', {
    username,
    email,
    password: PASSWORD,
    password2: PASSWORD,
    first_name: 'U',
  });

describe('usernames (issue 12 §7)', () => {
  it('NFKC at registration and login: a fullwidth name is stored and found as ASCII', async () => {
    expect((await register('ｎａｎａｍｉ', 'nanami@example.com')).status).toBe(201);
    expect((await loginFrom(server.baseUrl, clientAddress(1), 'nanami', PASSWORD)).status).toBe(200);
    expect((await loginFrom(server.baseUrl, clientAddress(1), 'ｎａｎａｍｉ', PASSWORD)).status).toBe(200);
    // The same name again, in either spelling, is taken.
    const again = await register('nanami', 'other@example.com');
    expect([again.status, JSON.parse(again.text)]).toEqual([400, { username: ['User with this username already exists.'] }]);
  });

  it('refuses a new username equal to an existing one after case folding, and emails equal after full case folding', async () => {
    for (const name of ['KYOKO', 'Kyoko', 'ｋｙｏｋｏ']) {
      const reply = await register(name, `${name.codePointAt(0)}-${name.length}@example.com`);
      expect([reply.status, JSON.parse(reply.text)], name).toEqual([400, { username: ['User with this username already exists.'] }]);
    }
    expect((await register('straße', 'strasse@example.com')).status).toBe(201);
    expect((await register('STRASSE', 'strasse2@example.com')).status).toBe(400);
    expect((await register('emilia', 'k@éxample.com')).status).toBe(201);
    const email = await register('emilia2', 'k@Éxample.com');
    expect([email.status, JSON.parse(email.text)]).toEqual([400, { email: ['User with this email already exists.'] }]);
  });

  it('20 concurrent registrations of case variants of one new name: exactly one succeeds', async () => {
    const variants = Array.from(
      { length: 20 },
      (_, i) => [...'racer'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join('') + (i >= 16 ? 'Ｘ' : 'x'),
    );
    const replies = await Promise.all(variants.map((name, i) => register(name, `racer${i}@example.com`, clientAddress(20 + i))));
    expect(countStatuses(replies)).toEqual({ 201: 1, 400: 19 });
  });

  it('refuses names made of or hiding invisible characters (U+3164, U+200B)', async () => {
    for (const name of ['\u3164', 'kyo\u200bko', '\u3164kyoko']) {
      const reply = await register(name, `${name.length}@example.com`);
      expect(reply.status, JSON.stringify(name)).toBe(400);
      expect(JSON.parse(reply.text).username).toEqual([
        'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
      ]);
    }
  });

  it('console: NUL and other control characters are refused with a field error, in sign-in and user forms', async () => {
    const from = clientAddress(2);
    const token = await consoleCsrfToken(server.baseUrl, from);
    const nulSignIn = await consoleSignInFrom(server.baseUrl, from, token, SUPERUSER.username, `${SUPERUSER.password}\u0000`);
    expect(nulSignIn.status).toBe(400);
    expect(nulSignIn.text).toContain('Control characters (such as NUL) are not allowed');

    const console = await consoleSessionFrom(server.baseUrl, from, SUPERUSER.username, SUPERUSER.password);
    const cases: Record<string, string>[] = [
      { username: 'ctl\u0000user', password: PASSWORD, password2: PASSWORD },
      { username: 'ctluser', password: `${PASSWORD}\u0000`, password2: `${PASSWORD}\u0000` },
      { username: 'ctluser', first_name: 'A\u0007B', password: PASSWORD, password2: PASSWORD },
    ];
    for (const fields of cases) {
      const reply = await console.post('/admin/users/new/', { ...fields, is_active: 'on' });
      expect(reply.status, JSON.stringify(fields)).toBe(400);
      expect(reply.text).toContain('Control characters (such as NUL) are not allowed.');
    }
    // A fullwidth name typed in the console is stored NFKC.
    const created = await console.post('/admin/users/new/', {
      username: 'ｍｅｉ',
      email: 'mei@example.com',
      password: PASSWORD,
      password2: PASSWORD,
      is_active: 'on',
    });
    expect(created.status).toBe(303);
    expect((await loginFrom(server.baseUrl, clientAddress(2), 'mei', PASSWORD)).status).toBe(200);
  });
});

describe("an administrator clears an account's login locks in the console (issue 12 §2)", () => {
  it('locked for new addresses by attacks from elsewhere, unlocked by the console', async () => {
    const staff = clientAddress(3);
    const console = await consoleSessionFrom(server.baseUrl, staff, SUPERUSER.username, SUPERUSER.password);
    expect((await register('locked', 'locked@example.com', clientAddress(4))).status).toBe(201);
    const attacks = await Promise.all(
      Array.from({ length: 10 }, (_, i) => loginFrom(server.baseUrl, clientAddress(60 + i), 'locked', `guess-${i}`)),
    );
    expect(countStatuses(attacks)).toEqual({ 401: 5, 429: 5 });
    const newDevice = clientAddress(80);
    expect((await loginFrom(server.baseUrl, newDevice, 'locked', PASSWORD)).status).toBe(429);

    const users = await console.get('/admin/users/?q=locked');
    const id = /\/admin\/users\/(\d+)\//.exec(users.text)?.[1];
    const cleared = await console.post(`/admin/users/${id}/login-locks/clear/`, {});
    expect(cleared.status).toBe(303);
    expect(cleared.headers.location).toMatch(/done=unlocked&n=[1-9]/);
    expect((await loginFrom(server.baseUrl, newDevice, 'locked', PASSWORD)).status).toBe(200);
    expect((await console.get(`/admin/users/${id}/`)).text).toContain('Cleared login locks');
  });
});
