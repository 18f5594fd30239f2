#!/usr/bin/env node
// Moves files with `git mv` and rewrites every relative import specifier that pointed at a moved
// file (or from a moved file), in src/, test/, bench/, examples/ and scripts/. Specifiers into
// dist/ are mapped through the same moves (dist/x.js mirrors src/x.ts).
// With --rewrite-only, moves nothing and fixes imports in files that still name old paths
// (after merging a branch that predates the moves).
// Usage: node scripts/move-files.mjs [--rewrite-only] moves.txt   (lines: "old/path.ts new/path.ts"; a folder moves whole)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const rewriteOnly = process.argv.includes('--rewrite-only');
const lines = readFileSync(process.argv.filter((a) => !a.startsWith('--'))[2], 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const tracked = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);

/** old file -> new file, folders expanded. */
const moves = new Map();
for (const line of lines) {
  const [from, to] = line.split(/\s+/);
  const isDir = existsSync(from) ? statSync(from).isDirectory() : tracked.some((f) => f.startsWith(to + '/'));
  if (isDir && rewriteOnly) {
    // Already moved: the folder's files are tracked under their new names.
    for (const f of tracked) if (f.startsWith(to + '/')) moves.set(from + f.slice(to.length), f);
  } else if (isDir) {
    for (const f of tracked) if (f.startsWith(from + '/')) moves.set(f, to + f.slice(from.length));
  } else moves.set(from, to);
}
const newPathOf = (file) => moves.get(file) ?? file;

const SOURCE = /\.(ts|mts|mjs|js|cjs)$/;
const files = tracked.filter(
  (f) => SOURCE.test(f) && /^(src|test|bench|examples|scripts)\//.test(f) && !f.startsWith('scripts/move-files'),
);

/** A specifier's target as a tracked src path (`src/x.ts`), with whether it went via dist/. */
function resolveTarget(fromFile, spec) {
  const abs = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec));
  let viaDist = false;
  let candidate = abs;
  if (candidate.startsWith('dist/')) {
    viaDist = true;
    candidate = 'src/' + candidate.slice(5);
  }
  const tsCandidates = [candidate.replace(/\.js$/, '.ts'), candidate, candidate.replace(/\.mjs$/, '.mts')];
  for (const c of tsCandidates) if (moves.has(c) || tracked.includes(c)) return { target: c, viaDist, ext: c === candidate ? '' : 'js' };
  return undefined;
}

function relativeSpec(fromFile, targetFile) {
  let rel = path.posix.relative(path.posix.dirname(fromFile), targetFile);
  if (!rel.startsWith('.')) rel = './' + rel;
  return rel;
}

const SPEC = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\2/g;
let changed = 0;
const contents = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const newFile = newPathOf(file);
  const out = text.replace(SPEC, (whole, lead, quote, spec) => {
    const resolved = resolveTarget(file, spec);
    if (resolved === undefined) return whole;
    const newTarget = newPathOf(resolved.target);
    if (newTarget === resolved.target && newFile === file) return whole;
    let targetPath = newTarget;
    if (resolved.ext === 'js') targetPath = targetPath.replace(/\.ts$/, '.js');
    if (resolved.viaDist) targetPath = 'dist/' + targetPath.slice(4);
    return `${lead}${quote}${relativeSpec(newFile, targetPath)}${quote}`;
  });
  if (out !== text) {
    contents.set(file, out);
    changed++;
  }
}
for (const [from, to] of rewriteOnly ? [] : moves) {
  execFileSync('mkdir', ['-p', path.posix.dirname(to)]);
  execFileSync('git', ['mv', from, to]);
}
for (const [file, text] of contents) writeFileSync(newPathOf(file), text);
console.log(`moved ${moves.size} files, rewrote imports in ${changed}`);
