/**
 * The published type surface (issue 11): what `npm run build` emits for the package's entry
 * points, and every declaration file those reach, never name the internal wiring
 * (`TesseraContext`, `contextOf`); apps use the `Tessera`'s own methods. And the API reference
 * (`npm run docs:api`) builds without a warning, so every type the public API names is documented.
 *
 * Reads what `npm run build` last built (`npm test` builds first); fails when dist/ is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types?: string }>;
  scripts: Record<string, string>;
};

/** The `types` file of each entry point in `exports`. */
const entryDeclarations = Object.values(manifest.exports).flatMap((target) =>
  typeof target === 'object' && target.types !== undefined ? [join(ROOT, target.types)] : [],
);

/** A declaration file without its comments: prose may name internals, declarations may not. */
function declarationsOf(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

/** Every declaration file reachable from the entry points through relative imports and re-exports. */
function reachableDeclarations(): Map<string, string> {
  const seen = new Map<string, string>();
  const pending = [...entryDeclarations];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    const text = declarationsOf(file);
    seen.set(file, text);
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      pending.push(join(dirname(file), `${match[1]}.d.ts`));
    }
  }
  return seen;
}

describe('the published declarations', () => {
  it('never name the internal wiring, in any file the entry points reach', () => {
    if (!existsSync(join(ROOT, 'dist/index.d.ts'))) throw new Error('dist/ is not built: run `npm run build` first (`npm test` does)');
    const files = reachableDeclarations();
    // The walk reaches well past the entry points (the store, the adapters' option types, ...).
    expect(files.size).toBeGreaterThan(40);
    const naming = [...files]
      .filter(([, text]) => /\b(TesseraContext|contextOf|attachContext)\b/.test(text))
      .map(([file]) => relative(ROOT, file));
    expect(naming).toEqual([]);
  });

  it('give the Tessera its public methods and no context', () => {
    const tessera = declarationsOf(join(ROOT, 'dist/app/tessera.d.ts'));
    const body = /export interface Tessera \{([\s\S]*?)\n\}/.exec(tessera)?.[1] ?? '';
    expect(body).toContain('readonly store: Store;');
    expect(body).toMatch(/authenticate\(header: string \| undefined\): Promise<AuthenticatedRequest \| undefined>;/);
    expect(body).toMatch(/authenticateStateless\(header: string \| undefined\): Promise<TokenUser \| undefined>;/);
    expect(body).not.toMatch(/\bcontext\b/);
  });

  it('export no function that takes the wiring from the main entry point', async () => {
    const exported = Object.keys((await import(join(ROOT, 'dist/index.js'))) as object);
    expect(exported).toContain('createTessera');
    expect(exported).toContain('tokenUserFromClaims');
    expect(exported.filter((name) => ['authenticateHeader', 'authenticateStateless', 'contextOf'].includes(name))).toEqual([]);
  });
});

describe('the API reference', () => {
  it('builds from the public entry points with no warning (every type they name is documented)', async () => {
    // `npm run docs:api`'s own arguments, checked without writing the site.
    const [command, ...args] = (manifest.scripts['docs:api'] ?? '').split(/\s+/);
    expect(command).toBe('typedoc');
    const typedoc = join(ROOT, 'node_modules/typedoc/bin/typedoc');
    const { stdout, stderr } = await run(process.execPath, [typedoc, ...args, '--emit', 'none'], { cwd: ROOT, timeout: 170_000 });
    const output = `${stdout}${stderr}`;
    expect(output.split('\n').filter((line) => /warning|error/i.test(line))).toEqual([]);
  }, 180_000);
});
