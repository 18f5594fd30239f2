/**
 * Issue 11's house rule: no hand-written source file over 400 lines (the console's CSS and
 * JavaScript held as strings aside). A file that grows past it is split by concern, not waived.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIMIT = 400;
const GENERATED = [/^src\/server\/pages\/static\//];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('source files', () => {
  it(`are at most ${LIMIT} lines each`, () => {
    const files = sourceFiles('src').filter((file) => !GENERATED.some((pattern) => pattern.test(file)));
    expect(files.length).toBeGreaterThan(100);
    const tooLong = files
      .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > LIMIT);
    expect(tooLong).toEqual([]);
  });
});
