/**
 * `tessera changepassword`: on a terminal it asks twice without echo and validates; without one
 * it refuses unless the password is piped with --password-stdin; either way the change cuts off
 * the user's tokens, as a password change through the API does.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, SUPERUSER, startCliServer, type CliServerProcess } from '../support/cli-server.js';

let server: CliServerProcess;

beforeAll(async () => {
  // No user cache: the running server reads the cut-off on the very next request.
  server = await startCliServer({ TESSERA_USER_CACHE_TTL: '0' });
});
afterAll(() => server.stop());

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tessera changepassword <args>` with `stdin` piped in (no terminal). */
function changePassword(args: readonly string[], stdin: string): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, 'changepassword', ...args], { env: { ...process.env, ...server.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/**
 * The command on a pseudo-terminal (util-linux `script`): each answer is typed once its prompt
 * shows, as a person would. Returns everything the terminal displayed.
 */
function changePasswordOnTerminal(username: string, answers: readonly string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((done) => {
    const command = `'${process.execPath}' '${CLI}' changepassword ${username}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...server.env } });
    const pending = [...answers];
    let screen = '';
    let answered = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const prompts = screen.match(/Password(?: \(again\))?: /g)?.length ?? 0;
      while (answered < prompts && pending.length > 0) {
        answered++;
        child.stdin.write(`${pending.shift()}\r`);
      }
    });
    child.on('close', (code) => done({ code, screen }));
  });
}

async function login(username: string, password: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

async function register(username: string, password: string): Promise<void> {
  const reply = await fetch(`${server.baseUrl}/accounts/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username,
      first_name: username,
      last_name: 'Test',
      password,
      password2: password,
      email: `${username}@example.com`,
    }),
  });
  expect(reply.status, await reply.text()).toBe(201);
}

describe('tessera changepassword', () => {
  it('without a terminal, refuses with a message naming --password-stdin and exits non-zero', async () => {
    const outcome = await changePassword([SUPERUSER.username], '');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('not running in a terminal');
    expect(outcome.stderr).toContain('--password-stdin');
    expect((await login(SUPERUSER.username, SUPERUSER.password)).status).toBe(200);
  });

  it('runs the password validators on a piped password, and leaves the old one in place', async () => {
    const outcome = await changePassword([SUPERUSER.username, '--password-stdin'], '12345678\n');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('This password is too common.');
    expect(outcome.stderr).toContain('This password is entirely numeric.');
    expect((await login(SUPERUSER.username, SUPERUSER.password)).status).toBe(200);
  });

  it('names a user that does not exist', async () => {
    const outcome = await changePassword(['nobody-here', '--password-stdin'], 'a-fine-new-password\n');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("user 'nobody-here' does not exist");
  });

  it('with --password-stdin changes the password and cuts off the tokens issued before', async () => {
    await register('piped', 'first-pass-for-piped');
    const { access, refresh } = (await (await login('piped', 'first-pass-for-piped')).json()) as { access: string; refresh: string };
    const protectedStatus = async (): Promise<number> =>
      (await fetch(`${server.baseUrl}/protected/`, { headers: { authorization: `Bearer ${access}` } })).status;
    expect(await protectedStatus()).toBe(200);

    const outcome = await changePassword(['piped', '--password-stdin'], 'second-pass-for-piped\n');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe("Password changed successfully for user 'piped'\n");

    expect(await protectedStatus()).toBe(401);
    const refreshed = await fetch(`${server.baseUrl}/api/token/refresh/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh }),
    });
    expect(refreshed.status).toBe(401);
    expect((await login('piped', 'first-pass-for-piped')).status).toBe(401);
    expect((await login('piped', 'second-pass-for-piped')).status).toBe(200);
  });

  it('on a terminal asks twice without echo, tries again after a mismatch, then changes it', async () => {
    await register('typed', 'first-pass-for-typed');
    const { code, screen } = await changePasswordOnTerminal('typed', [
      'second-pass-for-typed',
      'not-the-same-password',
      'second-pass-for-typed',
      'second-pass-for-typed',
    ]);
    expect(code).toBe(0);
    expect(screen).toContain("Changing password for user 'typed'");
    expect(screen).toContain('Passwords do not match. Please try again.');
    expect(screen).toContain("Password changed successfully for user 'typed'");
    expect(screen).not.toContain('second-pass');
    expect(screen).not.toContain('not-the-same');
    expect((await login('typed', 'second-pass-for-typed')).status).toBe(200);
  });

  it('on a terminal refuses weak passwords and gives up after three tries', async () => {
    await register('stubborn', 'first-pass-for-stubborn');
    const { code, screen } = await changePasswordOnTerminal('stubborn', ['short', 'short', 'password', 'password', '123', '12']);
    expect(code).not.toBe(0);
    expect(screen).toContain('This password is too short.');
    expect(screen).toContain('This password is too common.');
    expect(screen).toContain("Aborting password change for user 'stubborn' after 3 attempts");
    expect((await login('stubborn', 'first-pass-for-stubborn')).status).toBe(200);
  });
});
