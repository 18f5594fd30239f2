#!/usr/bin/env node
/**
 * `npm start`'s first step: builds dist/ when it is missing or older than src/, so the README's
 * quick start (`npm ci && npm start`) works on a fresh clone, and a pulled change is never served
 * from an old build. When dist/ is current it does nothing (a start stays fast); `npm run build`
 * forces a build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Newest modification time of the TypeScript sources under `dir` that end up in dist/ (tests aside). */
export function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Why `repoDir`'s dist/ needs a build, or `undefined` when it is current. */
export function staleBuildReason(repoDir) {
  const cli = join(repoDir, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) return 'dist/ is missing';
  if (newestSourceMtime(join(repoDir, 'src')) > statSync(cli).mtimeMs) return 'src/ has changes newer than dist/';
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..');
  const reason = staleBuildReason(repoDir);
  if (reason !== undefined) {
    process.stderr.write(`${reason}: npm run build\n`);
    const build = spawnSync('npm', ['run', 'build'], { cwd: repoDir, stdio: 'inherit' });
    process.exit(build.status ?? 1);
  }
}
