import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { openStore } from '../../stores/open-store.js';
import { pruneAudit } from './prune-audit.js';

export function flushExpiredTokensCommand(): Command {
  return new Command('flushexpiredtokens')
    .description(
      'Flushes any expired tokens in the outstanding token list, and audit events older than AUDIT_RETENTION (run it daily, e.g. from cron).',
    )
    .action(async () => {
      const { settings } = loadSettings();
      const store = await openStore(settings.DATABASE_URL);
      try {
        await store.migrate();
        const now = new Date();
        const count = await store.flushExpired(now);
        process.stdout.write(`Flushed ${count} expired token${count === 1 ? '' : 's'}.\n`);
        process.stdout.write(await pruneAudit(store, settings, now));
      } finally {
        await store.close();
      }
    });
}
