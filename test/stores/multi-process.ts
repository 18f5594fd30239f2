/**
 * One store shared by several OS processes, the same suite for each store that can be shared
 * (SQLite file, PostgreSQL schema): four processes migrate a fresh database at once and race
 * rotations and blacklist calls (exactly one winner each), and a writer SIGKILLed mid-stream
 * loses nothing it reported committed. The workers (fixtures/store-worker.mjs) run the real
 * store code, compiled here. Each store's own lock behaviour (SQLite's busy_timeout,
 * PostgreSQL's migration lock) stays in its test file, with `startWorker` from here.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraMigrationProvider } from '../../src/stores/migrations/index.js';
import type { OutstandingToken, Store } from '../../src/model/store.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const workerScript = join(repoRoot, 'test/stores/fixtures/store-worker.mjs');
const DAY = 86_400_000;

/** A database the workers and this process share: how workers name it, and how to open and inspect it here. */
export interface SharedDatabase {
  /** The worker's TARGET_JSON: `{ path }` for SQLite, `{ url, schema }` for PostgreSQL. */
  readonly target: { readonly path: string } | { readonly url: string; readonly schema: string };
  open(): Promise<Store>;
  /** The names in the database's migration table, sorted. */
  appliedMigrations(): Promise<string[]>;
}

export interface SharedStoreKind {
  /** The store module under src/ (`stores/sqlite/sqlite-store`), compiled for the workers. */
  readonly module: string;
  readonly dialect: 'sqlite' | 'postgres';
  /** A fresh, empty database (not migrated). */
  fresh(): SharedDatabase;
}

export function token(userId: number | null = null): OutstandingToken {
  const now = Date.now();
  return {
    jti: randomBytes(16).toString('hex'),
    userId,
    familyId: randomBytes(16).toString('hex'),
    createdAt: new Date(now),
    expiresAt: new Date(now + DAY),
  };
}

export interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
  exited: Promise<number | null>;
}

/** Starts `store-worker.mjs mode storeModuleUrl TARGET_JSON ...rest` (see the worker's header). */
export function startWorker(mode: string, storeModuleUrl: string, database: SharedDatabase, ...rest: string[]): Worker {
  const args = [workerScript, mode, storeModuleUrl, JSON.stringify(database.target), ...rest];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`store worker failed (${code}):\n${stderr}\n`);
      resolve(code);
    });
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, exited };
}

export async function nextLine(worker: Worker): Promise<string> {
  const { value, done } = await worker.lines.next();
  if (done === true) throw new Error(`worker ${worker.child.pid} ended early (exit ${await worker.exited})`);
  return value;
}

/**
 * Compiles the store module (and only what it imports) into a scratch directory inside the
 * repository, so that `kysely`, `libsql` and `pg` resolve; the URL of the compiled module, set
 * before the suite's tests run.
 */
export function compiledStore(module: string): { readonly url: string } {
  const compiled = { url: '' };
  let dir: string;
  beforeAll(() => {
    const artifacts = join(repoRoot, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(join(artifacts, 'store-'));
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const options = ['--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--noCheck'];
    execFileSync(
      process.execPath,
      [tsc, '--outDir', dir, '--rootDir', join(repoRoot, 'src'), ...options, join(repoRoot, `src/${module}.ts`)],
      {
        cwd: repoRoot,
        stdio: 'pipe',
      },
    );
    compiled.url = pathToFileURL(join(dir, `${module}.js`)).href;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return compiled;
}

export function runMultiProcessSuite(name: string, kind: SharedStoreKind): void {
  describe(`${name} store shared by several processes`, () => {
    const compiled = compiledStore(kind.module);

    it('migrates a fresh database from 4 processes at once and lets exactly one rotation per token win', async () => {
      const database = kind.fresh();
      const rounds = Array.from({ length: 25 }, () => ({ old: token() }));
      const sharedBlacklist = Array.from({ length: 10 }, () => token());
      const plans = Array.from({ length: 4 }, () => ({
        rounds: rounds.map((round) => ({ old: round.old, nexts: Array.from({ length: 5 }, () => token()) })),
        blacklist: sharedBlacklist,
      }));

      const workers = plans.map((plan) => startWorker('race', compiled.url, database, JSON.stringify(plan)));
      for (const worker of workers) expect(await nextLine(worker)).toBe('ready');
      for (const worker of workers) worker.child.stdin.end('go\n');
      const results = [] as { wins: string[][]; blacklistWins: boolean[] }[];
      for (const worker of workers) results.push(JSON.parse(await nextLine(worker)) as { wins: string[][]; blacklistWins: boolean[] });
      expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0, 0, 0]);

      // Per old token: exactly one winning rotation across all processes, and only its successor recorded.
      const winners = rounds.map((_, index) => results.flatMap((result) => result.wins[index] ?? []));
      for (const roundWinners of winners) expect(roundWinners).toHaveLength(1);
      for (let index = 0; index < sharedBlacklist.length; index += 1) {
        expect(results.filter((result) => result.blacklistWins[index] === true)).toHaveLength(1);
      }

      const store = await database.open();
      const recorded = new Set((await store.listTokens()).map((t) => t.jti));
      const expected = new Set([...rounds.map((r) => r.old.jti), ...winners.flat(), ...sharedBlacklist.map((t) => t.jti)]);
      expect(recorded).toEqual(expected);
      for (const round of rounds) expect(await store.isBlacklisted(round.old.jti)).toBe(true);
      for (const [index, round] of rounds.entries()) {
        expect((await store.findTokenState(round.old.jti))?.replacedBy).toBe(winners[index]?.[0]);
      }
      await store.close();
      // Every migration applied exactly once, whichever process applied it.
      const known = Object.keys(await new TesseraMigrationProvider(kind.dialect).getMigrations()).sort();
      expect(await database.appliedMigrations()).toEqual(known);
    });

    it('loses nothing committed when a writing process is SIGKILLed', async () => {
      const database = kind.fresh();
      const writer = startWorker('stream', compiled.url, database);
      expect(await nextLine(writer)).toBe('ready');
      const committed: string[] = [];
      while (committed.length < 300) {
        const line = await nextLine(writer);
        committed.push(line.replace(/^committed /, ''));
      }
      writer.child.kill('SIGKILL');
      expect(await writer.exited).toBeNull();

      const store = await database.open();
      for (const jti of committed) expect(await store.isBlacklisted(jti)).toBe(true);
      await store.close();
    });
  });
}
