/**
 * AUDIT_RETENTION: deleting audit events older than the retention. `tessera flushexpiredtokens`
 * does it after flushing tokens (one daily cron line does both); `tessera pruneaudit` does only
 * this.
 */
import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import type { Settings } from '../../config/settings.js';
import type { Store } from '../../model/store.js';
import { openStore } from '../../stores/open-store.js';

/** Deletes what AUDIT_RETENTION no longer keeps; returns the line to print (empty when it keeps everything). */
export async function pruneAudit(store: Store, settings: Pick<Settings, 'AUDIT_RETENTION'>, now: Date): Promise<string> {
  const retention = settings.AUDIT_RETENTION;
  if (retention === null || store.audit?.pruneAudit === undefined) return '';
  const count = await store.audit.pruneAudit(new Date(now.getTime() - retention * 1000));
  const days = Math.round((retention / 86_400) * 10) / 10;
  return `Deleted ${count} audit event${count === 1 ? '' : 's'} older than ${days} day${days === 1 ? '' : 's'} (AUDIT_RETENTION).\n`;
}

export function pruneAuditCommand(): Command {
  return new Command('pruneaudit')
    .description('Deletes audit events older than AUDIT_RETENTION (flushexpiredtokens does it too).')
    .action(async () => {
      const { settings } = loadSettings();
      const store = await openStore(settings.DATABASE_URL);
      try {
        await store.migrate();
        const line = await pruneAudit(store, settings, new Date());
        process.stdout.write(line === '' ? 'AUDIT_RETENTION keeps every audit event: nothing deleted.\n' : line);
      } finally {
        await store.close();
      }
    });
}
