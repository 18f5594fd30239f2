import { describe, expect, it } from 'vitest';
import type { Logger } from '../model/logger.js';
import type { AuditEntry } from '../model/store.js';
import type { AuditRecord } from '../model/auth-events.js';
import { createEventSink } from './event-sink.js';
import { createMetrics } from './metrics.js';

function memoryLog(): Logger & { lines: { level: string; message: string; fields?: unknown }[] } {
  const lines: { level: string; message: string; fields?: unknown }[] = [];
  return {
    lines,
    info: (message, fields) => void lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => void lines.push({ level: 'warn', message, fields }),
    error: (message) => void lines.push({ level: 'error', message }),
  };
}

describe('event sink', () => {
  it('stores audited events as rows, logs them and calls the hook, in that order', async () => {
    const rows: Omit<AuditEntry, 'id'>[] = [];
    const order: string[] = [];
    const hooked: AuditRecord[] = [];
    const log = memoryLog();
    const sink = createEventSink({
      log,
      now: () => Date.UTC(2026, 0, 1),
      recordAudit: async (row) => {
        order.push('row');
        rows.push(row);
      },
      onAuditEvent: (record) => {
        order.push('hook');
        hooked.push(record);
      },
    });
    await sink.emit({
      action: 'refresh.reuse_detected',
      user: { id: 7, username: 'alice' },
      subject: 'family-1',
      detail: { revoked_tokens: 3 },
      origin: { ip: '203.0.113.9', requestId: 'r-1' },
    });
    expect(order).toEqual(['row', 'hook']);
    expect(rows).toEqual([
      {
        at: new Date(Date.UTC(2026, 0, 1)),
        actorId: 7,
        actorUsername: 'alice',
        action: 'refresh.reuse_detected',
        targetUserId: 7,
        target: 'family-1',
        detail: 'revoked_tokens=3',
        ip: '203.0.113.9',
      },
    ]);
    expect(hooked[0]).toMatchObject({ action: 'refresh.reuse_detected', at: new Date(Date.UTC(2026, 0, 1)) });
    expect(log.lines).toEqual([
      {
        level: 'info',
        message: 'audit',
        fields: {
          audit: expect.objectContaining({
            action: 'refresh.reuse_detected',
            user_id: 7,
            subject: 'family-1',
            request_id: 'r-1',
            ip: '203.0.113.9',
          }),
        },
      },
    ]);
  });

  it('keeps metrics-only events out of the audit log and answers them synchronously', async () => {
    const rows: unknown[] = [];
    const metrics = createMetrics({ defaultMetrics: false });
    const sink = createEventSink({ log: memoryLog(), metrics, recordAudit: async (row) => void rows.push(row) });
    expect(sink.emit({ action: 'request.authenticated' })).toBeUndefined();
    expect(sink.emit({ action: 'refresh.rotated' })).toBeUndefined();
    expect(rows).toEqual([]);
    expect(await metrics.registry.metrics()).toContain('tessera_authentications_total{outcome="ok"} 1');
  });

  it('never fails the caller: a failing store or hook is logged and counted', async () => {
    const log = memoryLog();
    const metrics = createMetrics({ defaultMetrics: false });
    const sink = createEventSink({
      log,
      metrics,
      recordAudit: () => Promise.reject(new Error('database down')),
      onAuditEvent: () => {
        throw new Error('hook bug');
      },
    });
    await expect(sink.emit({ action: 'logout', user: { id: 1, username: 'a' } })).resolves.toBeUndefined();
    expect(log.lines.map((line) => line.level)).toEqual(['error', 'info', 'error']);
    expect(await metrics.registry.metrics()).toContain('tessera_audit_write_failures_total 1');
  });

  it('names the staff user as the actor of an admin action, and the edited user as the target', async () => {
    const rows: Omit<AuditEntry, 'id'>[] = [];
    const sink = createEventSink({ log: memoryLog(), recordAudit: async (row) => void rows.push(row) });
    await sink.emit({ action: 'account.deactivated', actor: { id: 1, username: 'admin' }, user: { id: 5, username: 'bob' } });
    await sink.emit({ action: 'login.failed', username: 'x'.repeat(500), detail: { reason: 'bad_credentials' } });
    expect(rows[0]).toMatchObject({ actorId: 1, actorUsername: 'admin', targetUserId: 5, target: 'bob' });
    expect(rows[1]).toMatchObject({ actorId: null, actorUsername: 'x'.repeat(150), targetUserId: null, detail: 'reason=bad_credentials' });
  });
});
