/**
 * Weak or missing keys stop the server before it serves anything (issue 6 §3, checklist SEC-10,
 * SEC-20, SEC-50), and the key never appears in what it prints. Each case runs the real
 * `tessera serve` and expects it to exit non-zero; a control case shows that the same command
 * with a strong key does start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, freePort } from '../support/cli-server.js';

/** What became of a `tessera serve` run: it exited (with its output), or it started listening. */
type Run = { outcome: 'exited'; code: number | null; output: string } | { outcome: 'started'; output: string };

async function serve(env: Record<string, string>): Promise<Run> {
  const port = await freePort();
  const database = `sqlite:${join(mkdtempSync(join(tmpdir(), 'tessera-keys-')), 'db.sqlite3')}`;
  // Only the variables given here: no TESSERA_* from the test process leaks in.
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_') && name !== 'NODE_ENV'));
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: { ...baseEnv, TESSERA_DATABASE_URL: database, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return { outcome: 'exited', code: await exited, output };
    try {
      await fetch(`http://127.0.0.1:${port}/hello/`);
      child.kill('SIGTERM');
      await exited;
      return { outcome: 'started', output };
    } catch {
      await new Promise((wake) => setTimeout(wake, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`tessera serve neither exited nor listened within 20 s:\n${output}`);
}

const STRONG = 'k7PqR2vX9mZt4LwB8nYc3HdF6jGs1QeA0uVoTiKx';
const PRODUCTION = { NODE_ENV: 'production' };

function expectRefusedToStart(run: Run, setting: string, secret?: string): void {
  expect(run.outcome, run.output).toBe('exited');
  if (run.outcome === 'exited') expect(run.code).not.toBe(0);
  expect(run.output).toContain(setting);
  if (secret !== undefined && secret !== '') expect(run.output.includes(secret), 'the key is printed').toBe(false);
}

describe('start-up refuses weak or missing keys (SEC-10, SEC-50)', () => {
  it('control: production with a 40-byte random-looking key starts', async () => {
    const run = await serve({ ...PRODUCTION, TESSERA_SECRET_KEY: STRONG });
    expect(run.outcome, run.output).toBe('started');
    expect(run.output.includes(STRONG)).toBe(false);
  });

  it('production with a 31-byte HS256 key: refuses to start, names SECRET_KEY, never prints the key', async () => {
    const secret = 'short-secret-of-31-bytes-abcdef';
    expect(Buffer.byteLength(secret)).toBe(31);
    expectRefusedToStart(await serve({ ...PRODUCTION, TESSERA_SECRET_KEY: secret }), 'SECRET_KEY', secret);
  });

  it('production with a short key of few characters: the message says too short, not "typed"', async () => {
    const run = await serve({ ...PRODUCTION, TESSERA_SECRET_KEY: 'abc123' });
    expectRefusedToStart(run, 'SECRET_KEY', 'abc123');
    expect(run.output).toContain('TESSERA_SECRET_KEY is too short: at least 32 bytes are needed; this one is 6');
    expect(run.output).not.toContain('distinct characters');
  });

  it('production with no key at all: refuses to start', async () => {
    expectRefusedToStart(await serve(PRODUCTION), 'SECRET_KEY');
  });

  it('production, HS512 with a 40-byte key (under the 64 bytes of RFC 7518 §3.2): refuses to start', async () => {
    expectRefusedToStart(await serve({ ...PRODUCTION, TESSERA_SECRET_KEY: STRONG, TESSERA_ALGORITHM: 'HS512' }), 'SIGNING_KEY', STRONG);
  });

  it('production, HS384 with a 40-byte SIGNING_KEY (under 48 bytes): refuses to start', async () => {
    const run = await serve({
      ...PRODUCTION,
      TESSERA_SECRET_KEY: `${STRONG}-and-more-bytes`,
      TESSERA_SIGNING_KEY: STRONG,
      TESSERA_ALGORITHM: 'HS384',
    });
    expectRefusedToStart(run, 'SIGNING_KEY', STRONG);
  });

  it('an empty key refuses to start in any mode (CVE-2022-23540, CVE-2019-20933)', async () => {
    expectRefusedToStart(await serve({ TESSERA_SECRET_KEY: '' }), 'SECRET_KEY');
    expectRefusedToStart(await serve({ TESSERA_SECRET_KEY: STRONG, TESSERA_SIGNING_KEY: '' }), 'SIGNING_KEY');
  });

  it('"none" is not an algorithm: ALGORITHM=none refuses to start', async () => {
    expectRefusedToStart(await serve({ TESSERA_SECRET_KEY: STRONG, TESSERA_ALGORITHM: 'none' }), 'ALGORITHM');
  });

  it('a leeway over 300 s refuses to start (SEC-20)', async () => {
    expectRefusedToStart(await serve({ TESSERA_SECRET_KEY: STRONG, TESSERA_LEEWAY: '3600' }), 'LEEWAY');
  });

  it('outside production a short key is allowed with a warning that does not print it', async () => {
    const secret = 'dev-key-9';
    const run = await serve({ TESSERA_SECRET_KEY: secret });
    expect(run.outcome, run.output).toBe('started');
    expect(run.output).toMatch(/SECRET_KEY is too short: at least 32 bytes are needed; this one is 9/);
    expect(run.output.includes(secret)).toBe(false);
  });
});
