/**
 * The command line as a newcomer meets it: `--version`, `createsuperuser` run without a terminal
 * (in a script, a Dockerfile), and `serve` on a platform that gives the port in PORT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, TEST_SECRET, freePort, tessera } from '../support/cli-server.js';

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  env = { TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tessera, from a newcomer', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect((await tessera(['--version'], env)).stdout.trim()).toBe(version);
  });

  it('createsuperuser without a terminal says why it stops, and how to go on (no silent exit 13)', async () => {
    const failure = await tessera(['createsuperuser'], env).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('not running in a terminal');
    expect(failure?.stderr).toContain('--no-input');
    expect(failure?.stderr).toContain('TESSERA_SUPERUSER_PASSWORD');
  });

  it('serve listens on PORT and HOST when no flag says otherwise', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    try {
      let status: number | undefined;
      for (let attempt = 0; attempt < 200 && status === undefined; attempt++) {
        status = await fetch(`http://127.0.0.1:${port}/api/token/`).then(
          (reply) => reply.status,
          () => new Promise<undefined>((wake) => setTimeout(() => wake(undefined), 100)),
        );
      }
      expect(status).toBe(405);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
