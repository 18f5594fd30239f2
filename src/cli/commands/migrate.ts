import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { openStore } from '../../stores/open-store.js';

export function migrateCommand(): Command {
  return new Command('migrate').description('Create or update the database schema (TESSERA_DATABASE_URL).').action(async () => {
    const { settings } = loadSettings();
    const store = await openStore(settings.DATABASE_URL);
    try {
      await store.migrate();
      process.stdout.write(`Migrations applied to ${describeDatabase(settings.DATABASE_URL)}.\n`);
    } finally {
      await store.close();
    }
  });
}

/** A database URL without its password, for messages. */
export function describeDatabase(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
