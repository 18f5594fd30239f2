#!/usr/bin/env node
/**
 * The store's hot reads alone, no HTTP: CPU µs per call of `findTokenStateAndUser` (a refresh's
 * one read), `findUser` and `isBlacklisted` on a migrated SQLite file, for one or more builds
 * side by side (docs/decisions.md D24). CPU time (`process.cpuUsage`), not wall time, so a busy
 * machine slows the figures less; each build is measured in turn, twice, fastest and median of
 * 5 runs of 10,000 calls each.
 *
 *   taskset -c 1 node bench/store-reads.mjs [DIST ...]     default: this checkout's dist/
 *   taskset -c 1 node bench/store-reads.mjs /tmp/before/dist dist
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dists = (process.argv.length > 2 ? process.argv.slice(2) : ['dist']).map((dist) => resolve(dist));
const dir = mkdtempSync(join(tmpdir(), 'tessera-store-reads-'));
const url = `sqlite:${join(dir, 'db.sqlite3')}`;
const env = {
  ...process.env,
  TESSERA_DATABASE_URL: url,
  TESSERA_SECRET_KEY: randomUUID() + randomUUID(),
  TESSERA_SUPERUSER_PASSWORD: 'bench-password-1',
};
execFileSync(process.execPath, [join(dists[0], 'cli', 'main.js'), 'migrate'], { env, stdio: 'ignore' });
execFileSync(
  process.execPath,
  [join(dists[0], 'cli', 'main.js'), 'createsuperuser', '--username', 'bench', '--email', 'bench@example.com', '--no-input'],
  { env, stdio: 'ignore' },
);

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function measure(dist) {
  const { openStore } = await import(pathToFileURL(join(dist, 'stores', 'open-store.js')).href);
  const store = await openStore(url);
  const jtis = [];
  for (let i = 0; i < 200; i++) {
    const jti = randomUUID().replaceAll('-', '');
    jtis.push(jti);
    await store.recordOutstanding({ jti, userId: 1, familyId: null, createdAt: new Date(), expiresAt: new Date(Date.now() + 86_400_000) });
  }
  const reads = {
    findTokenStateAndUser: (i) => store.findTokenStateAndUser(jtis[i % jtis.length], 'id', 1),
    findUser: () => store.findUser('id', 1),
    isBlacklisted: (i) => store.isBlacklisted(jtis[i % jtis.length]),
  };
  for (const [name, read] of Object.entries(reads)) {
    for (let i = 0; i < 2000; i++) await read(i);
    const runs = [];
    for (let run = 0; run < 5; run++) {
      const start = cpu();
      for (let i = 0; i < 10_000; i++) await read(i);
      runs.push((cpu() - start) / 10_000);
    }
    runs.sort((a, b) => a - b);
    process.stdout.write(`${dist.padEnd(40)} ${name.padEnd(22)} fastest ${runs[0].toFixed(1)} µs CPU, median ${runs[2].toFixed(1)}\n`);
  }
  await store.close?.();
}

try {
  for (let round = 0; round < 2; round++) for (const dist of dists) await measure(dist);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
