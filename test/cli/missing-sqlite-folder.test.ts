/**
 * An SQLite database whose folder does not exist is refused the same way in every mode: by the
 * library (createTessera) and by `tessera serve`, with a configured secret or with the generated
 * development secret (which used to create the folder silently), and in production. The error
 * names DATABASE_URL and the folder; nothing is created.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTessera, ConfigError } from '../../src/index.js';
import { CLI, TEST_SECRET } from '../support/cli-server.js';

let dir: string;
let missing: string;
let databaseUrl: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-folder-'));
  missing = join(dir, 'not-made', 'deeper');
  databaseUrl = `sqlite:${join(missing, 'db.sqlite3')}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The process environment without any Tessera setting or NODE_ENV, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_') && name !== 'NODE_ENV'));
  return { ...kept, ...env };
}

function serve(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0'], { env: cleanEnv(env), cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // If it wrongly started, it must not keep the test waiting.
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

function expectRefusal(message: string): void {
  expect(message).toContain('DATABASE_URL');
  expect(message).toContain(`its folder ${missing} does not exist`);
  expect(message).toContain(`mkdir -p ${missing}`);
  expect(existsSync(join(dir, 'not-made'))).toBe(false);
}

describe.each([
  ['with a configured secret', { SECRET_KEY: TEST_SECRET }, false],
  ['with the generated development secret', {}, false],
  ['in production', { SECRET_KEY: TEST_SECRET }, true],
] as const)('a missing SQLite folder, %s', (_name, secret, production) => {
  it('is refused by createTessera, naming DATABASE_URL, and not created', async () => {
    const failure: unknown = await createTessera({ env: {}, production, settings: { ...secret, DATABASE_URL: databaseUrl } }).then(
      async (tessera) => {
        await tessera.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).setting).toBe('DATABASE_URL');
    expectRefusal((failure as ConfigError).message);
  });

  it('is refused by tessera serve the same way: exit 2, the message on stderr, nothing created', async () => {
    const env: Record<string, string> = { TESSERA_DATABASE_URL: databaseUrl };
    if ('SECRET_KEY' in secret) env.TESSERA_SECRET_KEY = secret.SECRET_KEY;
    if (production) env.NODE_ENV = 'production';
    const { code, stderr } = await serve(env);
    expect(code).toBe(2);
    expect(stderr).toContain('tessera: configuration error: DATABASE_URL: cannot open the SQLite database');
    expectRefusal(stderr);
  });
});
