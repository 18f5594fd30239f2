/**
 * The runnable examples, each started as its own process exactly as the docs say (`node
 * examples/<framework>/server.mjs`, importing the built package by its name), then used over
 * HTTP the way the tutorials do: register, log in, call the protected and hello views.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from './http/api-suite.js';
import { TEST_SECRET, freePort } from './support/cli-server.js';

const ROOT = resolve(import.meta.dirname, '..');
const FRAMEWORKS = ['fastify', 'express', 'hono'] as const;

interface RunningExample {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

async function startExample(framework: (typeof FRAMEWORKS)[number]): Promise<RunningExample> {
  if (!existsSync(join(ROOT, 'dist/adapters', framework, 'index.js'))) {
    throw new Error('dist/ has no adapters: run `npm run build` first (`npm test` does)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `tessera-example-${framework}-`));
  const databaseUrl = `sqlite:${join(dir, 'db.sqlite3')}`;
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'examples', framework, 'server.mjs')], {
    cwd: ROOT,
    env: { ...process.env, TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!output.includes('Listening on')) {
    if (child.exitCode !== null) throw new Error(`examples/${framework} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`examples/${framework} did not start within 20 s:\n${output}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(FRAMEWORKS)('examples/%s', (framework) => {
  let example: RunningExample;
  beforeAll(async () => {
    example = await startExample(framework);
  });
  afterAll(async () => example?.stop());

  it('registers a user who logs in and reaches the protected and hello views', async () => {
    const api = client(example.baseUrl);
    const user = {
      email: 'ana@example.com',
      username: 'ana',
      first_name: 'Ana',
      password: 'correct-horse-80',
      password2: 'correct-horse-80',
    };
    expect((await api.post('/accounts/register/', user)).status).toBe(201);

    const login = await api.post('/api/token/', { username: 'ana', password: user.password });
    expect(login.status, login.text).toBe(200);
    const { access, refresh } = login.json as { access: string; refresh: string };

    expect((await api.get('/protected/', access)).json).toEqual({ content: 'This view is protected' });
    expect((await api.get('/hello/', access)).json).toEqual({ message: 'Hello, World!' });
    expect((await api.get('/me/', access)).json).toEqual({ id: 1, username: 'ana', email: 'ana@example.com' });

    const refreshed = await api.post('/api/token/refresh/', { refresh });
    expect(refreshed.status).toBe(200);
  });

  it('refuses anonymous requests as simplejwt does', async () => {
    const reply = await client(example.baseUrl).get('/protected/');
    expect(reply.status).toBe(401);
    expect(reply.text).toBe('{"detail":"Authentication credentials were not provided."}');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});
