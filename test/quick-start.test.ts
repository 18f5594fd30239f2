/**
 * The README's quick start, as a newcomer runs it: `npm start` in a fresh checkout, with no
 * configuration and no dist/ yet. The checkout is this tree's tracked files copied to an empty
 * folder (what a clone holds), with node_modules linked in (`npm ci` is CI's own first step).
 * Then the README's first requests: register, log in, the protected view.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/cli-server.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

let checkout: string;

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'tessera-quick-start-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    try {
      cpSync(join(ROOT, file), join(checkout, file));
    } catch (error) {
      // A tracked file deleted in the working tree is not part of it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
});
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

interface Started {
  readonly base: string;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
}

/** `npm start` in the checkout, without any TESSERA_* setting; resolves once /healthz answers. */
async function npmStart(): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = { PORT: String(port), HOST: '127.0.0.1' };
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && !name.startsWith('TESSERA_') && name !== 'NODE_ENV') env[name] ??= value;
  const child: ChildProcess = spawn('npm', ['start'], { cwd: checkout, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-(child.pid ?? 0), 'SIGTERM');
    await exited;
  };
  const base = `http://127.0.0.1:${port}`;
  // A bound for a build and a start on a loaded 2-core machine.
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((wake) => setTimeout(wake, 100))) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, output: () => output, stop };
    } catch {
      // not listening yet
    }
  }
  await stop();
  throw new Error(`npm start did not answer within 120 s:\n${output}`);
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the quick start on a fresh checkout', () => {
  it('npm start builds what is missing, starts on SQLite with no configuration, and serves the README requests', async () => {
    const server = await npmStart();
    try {
      expect(server.output()).toContain('dist/ is missing: npm run build');
      const registered = await fetch(
        `${server.base}/accounts/register/`,
        json({
          email: 'alice@example.com',
          username: 'alice',
          first_name: 'Alice',
          password: 'correct-horse-77',
          password2: 'correct-horse-77',
        }),
      );
      expect(registered.status).toBe(201);
      const login = await fetch(`${server.base}/api/token/`, json({ username: 'alice', password: 'correct-horse-77' }));
      expect(login.status).toBe(200);
      const { access } = (await login.json()) as { access: string };
      const view = await fetch(`${server.base}/protected/`, { headers: { authorization: `Bearer ${access}` } });
      expect(await view.json()).toEqual({ content: 'This view is protected' });
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('starts without building when dist/ is current, and builds again after a source change', async () => {
    const current = await npmStart();
    await current.stop();
    expect(current.output()).not.toContain('npm run build');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(checkout, 'src', 'index.ts'), later, later);
    const rebuilt = await npmStart();
    await rebuilt.stop();
    expect(rebuilt.output()).toContain('src/ has changes newer than dist/: npm run build');
  }, 180_000);
});
