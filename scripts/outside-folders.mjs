/**
 * The folders some suites need from outside the repository, in the project's `shared/` folder
 * beside the repository root (CI runs a fresh clone with a copy of `shared/` beside it), or beside
 * its parent (a git worktree in `wt/NAME` next to the main checkout), and the one message that
 * says a folder is missing. Used by `scripts/test-setup.mjs` before `npm test`
 * builds anything, and by the suites themselves when vitest is run directly.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each folder: what it holds, which suites read it, the entries it must have, its override. */
export const OUTSIDE_FOLDERS = {
  reference: {
    what: 'The reference Django server',
    suites: 'test/parity',
    inShared: 'reference',
    entries: ['start.sh'],
    variable: undefined,
  },
  vectors: {
    what: 'The JOSE test vectors',
    suites: 'test/vectors and test/keys',
    inShared: 'vectors',
    entries: ['wycheproof', 'jose-cookbook'],
    variable: 'TESSERA_VECTORS_DIR',
  },
};

/** `../shared` from the repository root first, then `../../shared`. */
const SHARED_CANDIDATES = [resolve(REPO_ROOT, '../shared'), resolve(REPO_ROOT, '../../shared')];

/**
 * Where the folder is looked for: its variable when set, else the first `shared/` candidate that
 * has it, else `../shared/<folder>` (the place the message names).
 */
export function outsideFolderPath(name, env = process.env) {
  const folder = OUTSIDE_FOLDERS[name];
  if (folder.variable && env[folder.variable]) return env[folder.variable];
  const found = SHARED_CANDIDATES.map((shared) => join(shared, folder.inShared)).find((dir) => existsSync(dir));
  return found ?? join(SHARED_CANDIDATES[0], folder.inShared);
}

/** The message for a folder that is missing or incomplete, or undefined when it is all there. */
export function missingOutsideFolder(name, env = process.env) {
  const folder = OUTSIDE_FOLDERS[name];
  const dir = outsideFolderPath(name, env);
  const absent = folder.entries.filter((entry) => !existsSync(join(dir, entry)));
  if (absent.length === 0) return undefined;
  const fix = folder.variable
    ? `put the project's shared/ folder beside the repository, or set ${folder.variable} to a copy of this folder`
    : `put the project's shared/ folder beside the repository`;
  return `${folder.what} (used by ${folder.suites}) not found: ${dir} has no ${absent.join(' or ')}. Fix: ${fix}.`;
}

/** A missing outside folder: the message alone, without the stack of the test that asked. */
export class OutsideFolderMissing extends Error {
  constructor(message) {
    super(message);
    this.name = 'OutsideFolderMissing';
    this.stack = `${this.name}: ${message}`;
  }
}

/** The folder's path; throws OutsideFolderMissing when it is not there. */
export function requireOutsideFolder(name, env = process.env) {
  const message = missingOutsideFolder(name, env);
  if (message !== undefined) throw new OutsideFolderMissing(message);
  return outsideFolderPath(name, env);
}
