/**
 * AUDIT_RETENTION through the real CLI: `tessera flushexpiredtokens` deletes audit events older
 * than the retention along with expired tokens, `tessera pruneaudit` does only that, and
 * `forever` keeps everything.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import { TEST_SECRET, tessera } from '../support/cli-server.js';

const DAY = 86_400_000;

async function databaseWithEvents(): Promise<string> {
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'tessera-audit-')), 'db.sqlite3')}`;
  const store = await openStore(url);
  try {
    await store.migrate();
    const row = { actorId: null, actorUsername: 'kyoko', targetUserId: null, target: '', detail: '', ip: null };
    for (const [age, action] of [
      [40, 'login.failed'],
      [10, 'login.failed'],
      [0, 'login.succeeded'],
    ] as const) {
      await store.audit?.recordAudit({ ...row, at: new Date(Date.now() - age * DAY), action });
    }
  } finally {
    await store.close();
  }
  return url;
}

async function actionsIn(url: string): Promise<string[]> {
  const store = await openStore(url);
  try {
    return ((await store.audit?.listAudit()) ?? []).map((row) => row.action);
  } finally {
    await store.close();
  }
}

describe('audit retention', () => {
  it('flushexpiredtokens also deletes audit events older than AUDIT_RETENTION', async () => {
    const url = await databaseWithEvents();
    const { stdout } = await tessera(['flushexpiredtokens'], {
      TESSERA_SECRET_KEY: TEST_SECRET,
      TESSERA_DATABASE_URL: url,
      TESSERA_AUDIT_RETENTION: '30d',
    });
    expect(stdout).toBe('Flushed 0 expired tokens.\nDeleted 1 audit event older than 30 days (AUDIT_RETENTION).\n');
    expect(await actionsIn(url)).toEqual(['login.succeeded', 'login.failed']);
  });

  it('pruneaudit does only that, and forever keeps everything', async () => {
    const url = await databaseWithEvents();
    const env = { TESSERA_SECRET_KEY: TEST_SECRET, TESSERA_DATABASE_URL: url };
    expect((await tessera(['pruneaudit'], { ...env, TESSERA_AUDIT_RETENTION: 'forever' })).stdout).toBe(
      'AUDIT_RETENTION keeps every audit event: nothing deleted.\n',
    );
    expect(await actionsIn(url)).toHaveLength(3);
    expect((await tessera(['pruneaudit'], { ...env, TESSERA_AUDIT_RETENTION: '1d' })).stdout).toBe(
      'Deleted 2 audit events older than 1 day (AUDIT_RETENTION).\n',
    );
    expect(await actionsIn(url)).toEqual(['login.succeeded']);
  });
});
