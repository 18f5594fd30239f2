/**
 * Starts the bundled server exactly as an operator (or a test harness) would: `tessera migrate`,
 * `tessera createsuperuser --no-input`, `tessera serve`, each a real process on the built CLI.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');
export const TEST_SECRET = 'tessera-test-secret-0123456789abcdef-0123456789';
export const SUPERUSER = { username: 'kyoko', password: 'contrasenasegura', email: 'kyoko@example.com' } as const;

export interface RunningServer {
  readonly baseUrl: string;
  readonly databaseUrl: string;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** A running `tessera serve` process, with what the security tests watch it by. */
export interface CliServerProcess extends RunningServer {
  /** The server process's id (for `/proc/<pid>/status`). */
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGKILLs the process (a crash: no shutdown code runs) and resolves once it is gone. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs `tessera <args>` to completion with `env` added; rejects with its stderr on failure. */
export async function tessera(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
}

async function waitForPort(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // A bound for start-up on a loaded machine (two workers on two shared cores can take 20 s).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tessera serve exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((wake) => setTimeout(wake, 50));
    }
  }
  throw new Error(`tessera serve did not answer within 60 s:\n${output()}`);
}

/** A migrated database with the superuser, and a server on a free port. */
export async function startCliServer(
  settingsEnv: Record<string, string> = {},
  options: { databaseUrl?: string } = {},
): Promise<CliServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-server-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir, 'db.sqlite3')}`;
  const env = { TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: databaseUrl, ...settingsEnv };
  await tessera(['migrate'], env);
  await tessera(['createsuperuser', '--username', SUPERUSER.username, '--email', SUPERUSER.email, '--no-input'], {
    ...env,
    TESSERA_SUPERUSER_PASSWORD: SUPERUSER.password,
  }).catch((error: { stderr?: string }) => {
    if (!String(error.stderr).includes('already taken')) throw error;
  });
  return serveCli(env);
}

/**
 * Runs `tessera serve` on a free port with exactly `env` (which names the database, e.g. the
 * `env` of an earlier server): no migration, no superuser. Restarting after a crash is this.
 */
export async function serveCli(env: Record<string, string>, serveArgs: readonly string[] = []): Promise<CliServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), ...serveArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForPort(baseUrl, child, () => output);
  const endWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  };
  return {
    baseUrl,
    databaseUrl: env.TESSERA_DATABASE_URL ?? '',
    env,
    pid: child.pid ?? -1,
    output: () => output,
    kill: () => endWith('SIGKILL'),
    stop: () => endWith('SIGTERM'),
  };
}
