/**
 * A new app per framework written from the docs alone (issue 13): each document's complete app
 * (its ```` ```ts title="server.ts" ```` block: the adapter pages' and the README's) written as
 * it is into an empty `"type": "module"` project and an empty `"type": "commonjs"` one, with the
 * packed tarball and the packages the documents' `npm install` lines name; refused if it needs
 * a cast; type-checked with the document's `npx tsc` flags (strict, nodenext); then run as
 * `node server.js` with the documented variables and asked over real HTTP: register, log in,
 * the protected route without and with a token, each answer as documented.
 *
 * Packs what `npm run build` last built (`npm test` builds first); fails when dist/ is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../support/cli-server.js';
import { appSnippet, casts, compilerFlags, documentedRefusal, importedPackages, installedPackages } from '../support/doc-snippets.js';
import { cleanEnv, npmInstall, packTarball, ROOT, tsc } from '../support/npm-pack.js';

/** The documents with a complete app. */
const DOCUMENTS = ['docs/adapters/fastify.md', 'docs/adapters/express.md', 'docs/adapters/hono.md', 'README.md'] as const;
const MODULE_TYPES = ['module', 'commonjs'] as const;
/** What the README's curl registers (README.md, "The API, as the tutorials use it"). */
const ALICE = {
  email: 'alice@example.com',
  username: 'alice',
  first_name: 'Alice',
  password: 'correct-horse-77',
  password2: 'correct-horse-77',
};

interface Reader {
  document: string;
  markdown: string;
  app: string;
  packages: string[];
  flags: string[];
}

function read(document: string): Reader {
  const markdown = readFileSync(join(ROOT, document), 'utf8');
  return {
    document,
    markdown,
    app: appSnippet(markdown, document),
    packages: installedPackages(markdown, document),
    flags: compilerFlags(markdown, document),
  };
}

/** A port nobody listens on now (the app is told it through PORT, as the documents allow). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** What the running app answered: each step's status (and body where the documents show one). */
interface Answers {
  register: { status: number; body: string };
  login: { status: number; keys: string[] };
  anonymous: { status: number; authenticate: string | null; body: string };
  protected: { status: number; body: string };
}

/**
 * `node server.js` in `project` with the variables the documents export, then the calls a
 * client makes; the process is stopped whatever happens. Its output is kept for the failure message.
 */
async function runApp(project: string): Promise<Answers> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([name]) => !name.startsWith('TESSERA_') && name !== 'NODE_ENV'));
  const child = spawn(process.execPath, ['server.js'], {
    cwd: project,
    env: { ...env, TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: 'sqlite:./tessera.sqlite3', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<never>((_, fail) =>
    child.once('exit', (code, signal) => fail(new Error(`${project}: server.js exited (${code ?? signal}) before answering:\n${output}`))),
  );
  exited.catch(() => undefined);
  const base = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([listening(base), exited]);
    const call = (path: string, init?: RequestInit): Promise<Response> => Promise.race([fetch(base + path, init), exited]);
    const json = (body: unknown): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const register = await call('/accounts/register/', json(ALICE));
    const login = await call('/api/token/', json({ username: ALICE.username, password: ALICE.password }));
    const pair = (await login.json()) as Record<string, string>;
    const anonymous = await call('/protected/');
    const authorized = await call('/protected/', { headers: { authorization: `Bearer ${pair.access ?? ''}` } });
    return {
      register: { status: register.status, body: await register.text() },
      login: { status: login.status, keys: Object.keys(pair).sort() },
      anonymous: { status: anonymous.status, authenticate: anonymous.headers.get('www-authenticate'), body: await anonymous.text() },
      protected: { status: authorized.status, body: await authorized.text() },
    };
  } catch (error) {
    throw new Error(`${project}: ${String(error)}\n${output}`);
  } finally {
    child.kill();
  }
}

/** Waits until the app accepts connections (it prints nothing when it is ready); gives up after 90 s. */
async function listening(base: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await fetch(`${base}/`);
      return;
    } catch (error) {
      if (attempt === 900) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

describe("each document's app block", () => {
  it.each(DOCUMENTS)('%s marks one complete app, with no cast in it', (document) => {
    const reader = read(document);
    expect(casts(reader.app)).toEqual([]);
    expect(reader.packages).toContain('tessera');
    expect(reader.flags).toEqual(expect.arrayContaining(['--strict', '--module', 'nodenext']));
  });

  it('refuses a cast, a non-null assertion and a silenced error, but not `as const`', () => {
    const code = "const a = b as Tessera; const c = <User>d; const e = f!; const g = ['x'] as const;\n// @ts-expect-error\n";
    expect(casts(code)).toEqual(['b as Tessera', '<User>d', 'f!', '@ts-expect-error']);
  });
});

/** Whether the installed package `name` brings its own declarations (else the reader needs @types/...). */
function bundlesTypes(modules: string, name: string): boolean {
  const manifest = readFileSync(join(modules, name, 'package.json'), 'utf8');
  const parsed = JSON.parse(manifest) as { types?: string; typings?: string };
  return (
    parsed.types !== undefined ||
    parsed.typings !== undefined ||
    manifest.includes('"types"') ||
    existsSync(join(modules, name, 'index.d.ts'))
  );
}

describe('a new app per framework from the docs alone, in a "type": "module" and a "type": "commonjs" project', () => {
  let work: string;
  let modules: string;
  /** Each document's two projects, and the compiler's diagnostics for their files. */
  const projects = new Map<string, string[]>();
  let diagnostics = '';

  /**
   * One install of every package the documents name (`tessera` being the packed tarball), one
   * compilation of every project: installing and type-checking each document apart would take
   * four times the time. That each document names all its app needs is checked on its own below.
   * `typescript` is left out: the repository's compiler (the lockfile's version) type-checks.
   */
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tessera-docs-'));
    const tarball = await packTarball(work);
    const readers = DOCUMENTS.map(read);
    const packages = [...new Set(readers.flatMap((reader) => reader.packages))].filter((name) => name !== 'typescript');
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'docs-reader', private: true }));
    await npmInstall(
      work,
      packages.map((name) => (name === 'tessera' ? tarball : name)),
    );
    modules = join(work, 'node_modules');
    // Each project an empty folder with only its package.json, below the install's node_modules.
    for (const reader of readers) {
      const name = reader.document.replace(/\W+/g, '-');
      projects.set(
        reader.document,
        MODULE_TYPES.map((type) => {
          const project = join(work, `${name}-${type}`);
          mkdirSync(project);
          writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `${name}-${type}`, private: true, type }));
          writeFileSync(join(project, 'server.ts'), reader.app);
          return project;
        }),
      );
    }
    // The documents' flags (one compilation per set of flags; each file's module kind is its package.json's).
    for (const flags of new Set(readers.map((reader) => reader.flags.join(' ')))) {
      const group = readers.filter((reader) => reader.flags.join(' ') === flags);
      const files = group.flatMap((reader) => projects.get(reader.document)!.map((project) => join(project, 'server.ts')));
      diagnostics += await tsc([...flags.split(' '), ...files], work);
    }
  }, 300_000);

  // The install is a full node_modules: do not leave it behind per test run.
  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it.each(DOCUMENTS)('%s names in its `npm install` lines every package its app imports, and their types', (document) => {
    const reader = read(document);
    for (const name of importedPackages(reader.app)) {
      expect(
        reader.packages.some((spec) => spec === name || spec.startsWith(`${name}@`)),
        name,
      ).toBe(true);
      if (!bundlesTypes(modules, name)) expect(reader.packages, `types of ${name}`).toContain(`@types/${name.replace(/^@(.*)\//, '$1__')}`);
    }
    // Tessera's declarations and `process.env.PORT` need Node's.
    expect(reader.packages).toContain('@types/node');
  });

  it('compiles with no diagnostic at all, none in a published declaration either', () => {
    expect(diagnostics).toBe('');
  });

  // The documents' apps run at the same time.
  it.concurrent.for(DOCUMENTS)(
    '%s: the app type-checks strictly in both projects and answers register, login and the protected route as documented',
    // Generous: eight Node processes start at once on a machine that may be busy.
    { timeout: 150_000 },
    async (document, { expect: check }) => {
      const reader = read(document);
      const [module, commonjs] = projects.get(document)!;
      // The diagnostics that name this document's files (tsc prints each file relative to its working directory).
      const own = diagnostics
        .split('\n')
        .filter((line) => [module!, commonjs!].some((project) => line.startsWith(`${relative(work, project)}/`)));
      check(own).toEqual([]);
      check(readFileSync(join(module!, 'server.js'), 'utf8')).toMatch(/^import .* from 'tessera';$/m);
      // In the CommonJS project Node loads Tessera's ES modules through require() (D18).
      check(readFileSync(join(commonjs!, 'server.js'), 'utf8')).toContain('require("tessera")');

      // The README shows no refusal: it sends its readers to the Express page, which does.
      const shown = reader.markdown.includes('```http') ? reader : read('docs/adapters/express.md');
      const refusal = documentedRefusal(shown.markdown, shown.document);
      for (const answers of await Promise.all([module!, commonjs!].map(runApp)))
        check(answers).toEqual({
          // The endpoint table: 201, empty body; then {"refresh", "access"}.
          register: { status: 201, body: '' },
          login: { status: 200, keys: ['access', 'refresh'] },
          anonymous: { status: refusal.status, authenticate: refusal.headers['www-authenticate'], body: refusal.body },
          // What the app's own handler sends.
          protected: { status: 200, body: '{"content":"Hello, alice"}' },
        });
    },
  );
});
