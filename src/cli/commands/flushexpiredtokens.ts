import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { openStore } from '../../stores/open-store.js';

export function flushExpiredTokensCommand(): Command {
  return new Command('flushexpiredtokens')
    .description('Flushes any expired tokens in the outstanding token list (run it daily, e.g. from cron).')
    .action(async () => {
      const { settings } = loadSettings();
      const store = await openStore(settings.DATABASE_URL);
      try {
        await store.migrate();
        const count = await store.flushExpired(new Date());
        process.stdout.write(`Flushed ${count} expired token${count === 1 ? '' : 's'}.\n`);
      } finally {
        await store.close();
      }
    });
}
