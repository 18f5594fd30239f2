/**
 * Signing-key changes made with `tessera keys` are audited: a row per generate, activate and
 * retire (the key id as subject, never key material) and a structured log line on stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTessera } from '../../src/app/tessera.js';
import { openStore } from '../../src/stores/open-store.js';
import { TEST_SECRET, tessera } from '../support/cli-server.js';

describe('key events in the audit log', () => {
  it('records generate, activate and retire with the key id, and no key material', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'tessera-key-audit-')), 'db.sqlite3')}`;
    const kek = randomBytes(32).toString('base64');
    const env = {
      TESSERA_SECRET_KEY: TEST_SECRET,
      TESSERA_DATABASE_URL: databaseUrl,
      TESSERA_KEY_ENCRYPTION_KEY: kek,
      TESSERA_ALGORITHM: 'ES256',
    };
    const kidOf = (stdout: string) => stdout.trim().split(/\s+/)[0] ?? '';
    // A key id may start with '-' (base64url): `--` keeps the CLI from reading it as an option.
    const generated = await tessera(['keys', 'generate'], env);
    const first = kidOf(generated.stdout);
    await tessera(['keys', 'activate', '--force', '--', first], env);
    const second = kidOf((await tessera(['keys', 'generate'], env)).stdout);
    await tessera(['keys', 'activate', '--force', '--', second], env);
    await tessera(['keys', 'retire', '--force', '--', first], env);

    const store = await openStore(databaseUrl);
    try {
      const rows = ((await store.audit?.listAudit()) ?? []).reverse();
      expect(rows.map((row) => [row.action, row.target])).toEqual([
        ['key.generated', first],
        ['key.activated', first],
        ['key.generated', second],
        ['key.activated', second],
        ['key.retired', first],
      ]);
      expect(rows[1]?.detail).toBe('algorithm=ES256 forced=true');
      const stored = (await store.keys?.listSigningKeys()) ?? [];
      const coordinates = (jwk: string) =>
        Object.entries(JSON.parse(jwk) as Record<string, string>)
          .filter(([name]) => ['x', 'y', 'n', 'd'].includes(name))
          .map(([, value]) => value);
      const material = stored.flatMap((key) => [key.encryptedPrivateKey, ...coordinates(key.publicJwk)]);
      expect(material.length).toBeGreaterThan(4);
      const serialised = JSON.stringify(rows);
      for (const secret of [kek, ...material]) expect(serialised).not.toContain(secret);
    } finally {
      await store.close();
    }
    const line = JSON.parse(
      generated.stderr
        .trim()
        .split('\n')
        .find((text) => text.includes('"audit"')) ?? '{}',
    ) as { msg?: string; audit?: { action?: string; subject?: string } };
    expect(line).toMatchObject({ msg: 'audit', audit: { action: 'key.generated', subject: first } });
  });

  it('counts in a running server the key changes `tessera keys` made in another process', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'tessera-key-metrics-')), 'db.sqlite3')}`;
    const env = {
      TESSERA_SECRET_KEY: TEST_SECRET,
      TESSERA_DATABASE_URL: databaseUrl,
      TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TESSERA_ALGORITHM: 'ES256',
    };
    const kidOf = (stdout: string) => stdout.trim().split(/\s+/)[0] ?? '';
    const first = kidOf((await tessera(['keys', 'generate'], env)).stdout);
    await tessera(['keys', 'activate', '--force', '--', first], env);
    const server = await createTessera({ env, configFile: false, settings: { METRICS_ENABLED: true, KEY_POLL_INTERVAL: 3600 } });
    try {
      const count = async (event: string) => {
        const text = await (server.metrics?.registry.metrics() ?? Promise.resolve(''));
        const line = text.split('\n').find((entry) => entry.startsWith(`tessera_key_events_total{event="${event}"}`));
        return Number(line?.split(' ').pop() ?? 0);
      };
      const second = kidOf((await tessera(['keys', 'generate'], env)).stdout);
      await tessera(['keys', 'activate', '--force', '--', second], env);
      await tessera(['keys', 'retire', '--force', '--', first], env);
      expect(await count('generated')).toBe(0);
      // The poll (here called at once rather than waiting for its timer) sees the three changes.
      expect(await server.keys.reload()).toBe(true);
      expect([await count('generated'), await count('activated'), await count('retired')]).toEqual([1, 1, 1]);
      expect(await server.keys.reload()).toBe(false);
      expect(await count('generated')).toBe(1);
    } finally {
      await server.close();
    }
  });
});
