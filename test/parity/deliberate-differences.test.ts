/**
 * The deliberate-differences registry is data that docs/compatibility.md repeats; keep every
 * entry complete and really a difference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DELIBERATE_DIFFERENCES, type DeliberateDifference } from './deliberate-differences.js';
import { REPO_ROOT } from './servers.js';

const entries = Object.entries(DELIBERATE_DIFFERENCES) as Array<[string, DeliberateDifference]>;

describe('deliberate differences registry', () => {
  it.each(entries)('%s has a title, a reason and the requests it applies to', (id, entry) => {
    expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(entry.title.length).toBeGreaterThan(10);
    expect(entry.reason.length).toBeGreaterThan(40);
    expect(entry.appliesTo.length).toBeGreaterThan(0);
  });

  it.each(entries)('%s really differs', (_id, entry) => {
    if (entry.kind === 'race') {
      expect(entry.tessera).not.toEqual(entry.reference);
      expect(entry.concurrency).toBeGreaterThan(1);
    } else {
      expect(entry.tessera === entry.reference).toBe(false);
      // Same status and body: only token contents can differ, and the entry must say which.
      if (entry.tessera.status === entry.reference.status && entry.tessera.body === entry.reference.body) {
        expect(entry.alsoDiffers ?? '').not.toBe('');
      }
    }
  });
});

describe('docs/compatibility.md', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/compatibility.md'), 'utf8');
  const mentioned = new Set([...doc.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((match) => match[1]));

  it('names every deliberate difference by its id, in a code span', () => {
    const missing = entries.map(([id]) => id).filter((id) => !mentioned.has(id));
    expect(missing, 'ids of DELIBERATE_DIFFERENCES missing from docs/compatibility.md').toEqual([]);
  });
});
