/**
 * The documents hold: every relative link in README.md, NOTICE.md, bench/README.md and docs/
 * (hand-written; docs/api is generated and not committed) reaches a file, and its #anchor a heading of that file; every
 * setting the documents name exists in the settings schema (src/config); and a document the npm
 * package ships links only to files the package ships too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NON_SETTING_ENV } from '../src/config/load-settings.js';
import { DEFAULT_SETTINGS, PYTHON_ONLY_SETTINGS, REMOVED_SETTINGS } from '../src/config/settings.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Upper-case names the documents use that are neither settings nor `TESSERA_` variables, each
 * for a reason; any other such name must be a setting or a constant declared in src/ or test/.
 */
const NOT_SETTINGS: Readonly<Record<string, string>> = {
  NODE_ENV: "Node's environment switch (production mode)",
  BENCH_TESSERA_CLI: "the benchmark's switch to measure another build (bench/lib/servers.mjs)",
  BENCH_BASE_CLI: "the benchmark's build to compare with, its tessera-base variant (bench/lib/servers.mjs)",
  BENCH_TESSERA_WORKERS: "the benchmark's process count for Tessera (bench/lib/servers.mjs)",
  REF_WORKERS: "the benchmark's gunicorn worker count for the reference (bench/run.mjs)",
  PASSWORD_HASHERS: "a Django setting (the Django project's, named in the comparison)",
  AUTH_USER_MODEL: "a Django setting (the Django project's custom user model)",
  SIMPLE_JWT: "the Django project's simplejwt settings dictionary",
  HTTP_AUTHORIZATION: 'a Django META key: the value of AUTH_HEADER_NAME',
  HTTP_X_ACCESS_TOKEN: 'a Django META key: an example value of AUTH_HEADER_NAME',
};

/** Every settings name of the schema, including those without a default. */
const SETTINGS = new Set([...Object.keys(DEFAULT_SETTINGS), 'SECRET_KEY', 'SIGNING_KEY']);
/** simplejwt settings Tessera refuses with a message: the documents explain them. */
const SIMPLEJWT_ONLY = new Set<string>([...REMOVED_SETTINGS, ...Object.keys(PYTHON_ONLY_SETTINGS)]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'api' ? [] : markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const DOCUMENTS = [...['README.md', 'NOTICE.md', 'bench/README.md'].map((file) => join(ROOT, file)), ...markdownFiles(join(ROOT, 'docs'))];
const FENCE = /^\s*(```|~~~)/;

/** The document's prose and its code blocks, apart. */
function parts(text: string): { prose: string; code: string } {
  const prose: string[] = [];
  const code: string[] = [];
  let inCode = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) inCode = !inCode;
    else (inCode ? code : prose).push(line);
  }
  return { prose: prose.join('\n'), code: code.join('\n') };
}

/** GitHub's anchor for each heading (lower case, punctuation dropped, spaces to dashes, -1 -2 for repeats). */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading] of parts(readFileSync(file, 'utf8')).prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of readFileSync(file, 'utf8').matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id!);
  return found;
}

/** Link targets in the prose: inline `[text](target)`, images, and `[label]: target` definitions. */
function linkTargets(text: string): string[] {
  const prose = parts(text).prose.replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
  const defined = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((match) => match[1]!);
  return [...inline, ...defined];
}

/** What is wrong with one link from `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // http:, https:, mailto:
  const [path = '', anchor] = target.split('#');
  const destination = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  if (!existsSync(destination)) return `${target}: ${relative(ROOT, destination)} does not exist`;
  if (anchor === undefined || !destination.endsWith('.md')) return undefined;
  return anchors(destination).has(anchor) ? undefined : `${target}: no heading in ${relative(ROOT, destination)} has the anchor #${anchor}`;
}

/** package.json's `files`: what the npm tarball holds (a folder, a file, or `dir/*.ext`). */
const PACKAGE_FILES = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;

/** Whether `path` (relative to the root) is in the npm tarball (package.json itself always is). */
function shipped(path: string): boolean {
  if (path === 'package.json') return true;
  return PACKAGE_FILES.some((entry) => {
    if (!entry.includes('*')) return path === entry || path.startsWith(`${entry}/`);
    const pattern = new RegExp(`^${entry.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
    return pattern.test(path);
  });
}

/**
 * What is wrong with a link from a document the tarball ships, or undefined: its target must be
 * shipped too, or the link is dead for everyone who reads the docs from node_modules. Files that
 * only the repository has are linked absolutely (https://github.com/tessera-auth/tessera/...).
 */
function unshippedLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return undefined;
  const path = relative(ROOT, resolve(dirname(file), decodeURIComponent(target.split('#')[0] ?? '')));
  if (shipped(path) || (existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isDirectory() && shipped(`${path}/x`))) return undefined;
  return `${target}: ${path} is not in the npm package (package.json "files"); link it absolutely or ship it`;
}

/** Constants declared in src/ and test/, for names the documents cite from the code. */
const declaredNames = (() => {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mjs)$/.test(name)) {
        for (const [, declared] of readFileSync(path, 'utf8').matchAll(/\b(?:const|let|var|function|class|enum)\s+([A-Z][A-Z0-9_]+)\b/g))
          names.add(declared!);
      }
    }
  };
  walk(join(ROOT, 'src'));
  walk(join(ROOT, 'test'));
  return names;
})();

/** What is wrong with one upper-case name a document uses, or undefined when it is known. */
function unknownName(name: string): string | undefined {
  if (name.startsWith('TESSERA_')) {
    const setting = name.slice('TESSERA_'.length);
    return SETTINGS.has(setting) || NON_SETTING_ENV.has(name)
      ? undefined
      : `${name}: ${setting} is not a setting, and ${name} is not a known variable`;
  }
  if (name.endsWith('_*')) {
    const prefix = name.slice(0, -1);
    return [...SETTINGS, ...SIMPLEJWT_ONLY].some((known) => known.startsWith(prefix))
      ? undefined
      : `${name}: no setting starts with ${prefix}`;
  }
  if (SETTINGS.has(name) || SIMPLEJWT_ONLY.has(name) || name in NOT_SETTINGS || declaredNames.has(name)) return undefined;
  return `${name}: not a setting of src/config, nor a constant of the code`;
}

/** Upper-case names in backticks (a setting as the documents write it), and every TESSERA_ variable. */
function namesUsed(text: string): string[] {
  const inBackticks = [...text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:_\*)?)(?=[`\s=(+:])/g)].map((match) => match[1]!);
  const variables = [...text.matchAll(/\bTESSERA_[A-Z0-9_]*[A-Z0-9]\b/g)].map((match) => match[0]);
  return [...new Set([...inBackticks, ...variables])];
}

describe.each(DOCUMENTS.map((file) => [relative(ROOT, file), file]))('%s', (_name, file) => {
  const text = readFileSync(file, 'utf8');

  it('has relative links that all resolve', () => {
    expect(linkTargets(text).flatMap((target) => brokenLink(file, target) ?? [])).toEqual([]);
  });

  it('names only settings that exist', () => {
    expect(namesUsed(text).flatMap((name) => unknownName(name) ?? [])).toEqual([]);
  });
});

describe.each(DOCUMENTS.filter((file) => shipped(relative(ROOT, file))).map((file) => [relative(ROOT, file), file]))(
  '%s (shipped in the npm package)',
  (_name, file) => {
    it('links only to files the package holds too', () => {
      expect(linkTargets(readFileSync(file, 'utf8')).flatMap((target) => unshippedLink(file, target) ?? [])).toEqual([]);
    });
  },
);

describe('the docs check itself', () => {
  const readme = join(ROOT, 'README.md');

  it('finds broken links and anchors', () => {
    expect(brokenLink(readme, 'docs/nowhere.md')).toBe('docs/nowhere.md: docs/nowhere.md does not exist');
    expect(brokenLink(readme, 'docs/settings.md#no-such-heading')).toContain(
      'no heading in docs/settings.md has the anchor #no-such-heading',
    );
    expect(brokenLink(readme, '#tests')).toBeUndefined();
    expect(linkTargets('[a](x.md) `[b](y.md)` [c](<z.md> "title")\n[d]: w.md\n```\n[e](v.md)\n```')).toEqual(['x.md', 'z.md', 'w.md']);
  });

  it('finds links from shipped documents to files the package does not hold', () => {
    expect(shipped('docs/keys.md')).toBe(true);
    expect(shipped('docs/adapters/hono.md')).toBe(true);
    expect(shipped('docs/api/index.html')).toBe(false);
    expect(shipped('examples/react/src/App.tsx')).toBe(true);
    expect(unshippedLink(readme, 'examples/react/')).toBeUndefined();
    expect(unshippedLink(readme, 'docs/keys.md#rotation')).toBeUndefined();
    expect(unshippedLink(readme, 'test/security/')).toContain('test/security is not in the npm package');
    expect(unshippedLink(join(ROOT, 'docs/keys.md'), '../src/keys/keyring.ts')).toContain('src/keys/keyring.ts is not in the npm package');
    expect(unshippedLink(readme, 'https://github.com/tessera-auth/tessera/tree/main/test')).toBeUndefined();
  });

  it('finds names that are not settings', () => {
    expect(namesUsed('`ROTATE_REFRESH_TOKENS` `NO_SUCH_SETTING=1` TESSERA_NOPE=2 `lower_case`')).toEqual([
      'ROTATE_REFRESH_TOKENS',
      'NO_SUCH_SETTING',
      'TESSERA_NOPE',
    ]);
    expect(unknownName('ROTATE_REFRESH_TOKENS')).toBeUndefined();
    expect(unknownName('TESSERA_ROTATE_REFRESH_TOKENS')).toBeUndefined();
    expect(unknownName('TESSERA_CONFIG')).toBeUndefined();
    expect(unknownName('NO_SUCH_SETTING')).toContain('not a setting');
    expect(unknownName('TESSERA_NOPE')).toContain('NOPE is not a setting');
    expect(unknownName('ON_LOGIN_*')).toBeUndefined();
    expect(unknownName('NOPE_*')).toContain('no setting starts with NOPE_');
  });
});
