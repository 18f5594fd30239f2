/**
 * `tessera import-django`: moves a Django project's users (and optionally groups, permissions
 * and simplejwt's token blacklist) into Tessera's database (TESSERA_DATABASE_URL), in one
 * transaction. See docs/migration-guide.md.
 *
 * Users already in Tessera whose password or active status the import changes have their tokens
 * cut off in that transaction (with REVOKE_ON_PRIVILEGE_CHANGE, also those whose staff or
 * superuser status, groups or permissions change); each is audited, and with REDIS_URL every
 * changed user is announced on Redis, so running servers drop them from their caches at once.
 */
import { Command, Option } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { USER_FIELDS, type UserField } from '../../django-import/build-import-batch.js';
import { formatImportReport } from '../../django-import/import-report.js';
import { ImportRowError } from '../../errors.js';
import { openStore } from '../../stores/open-store.js';
import { announceUserChanges, recordCliAudit } from '../announce-user-changes.js';
import { progressBar } from '../progress-bar.js';
import { describeDatabase } from './migrate.js';

interface Options {
  from: string;
  userModel: string;
  map: Record<string, UserField>;
  withGroups: boolean;
  withBlacklist: boolean;
  dryRun: boolean;
  json: boolean;
}

/** Collects repeated `--map column=field` into one map. */
function collectMapping(value: string, previous: Record<string, UserField>): Record<string, UserField> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=([a-z_]+)$/.exec(value);
  if (match === null) throw new Error(`--map: expected column=field, got ${JSON.stringify(value)}`);
  const [, column = '', field = ''] = match;
  if (!(USER_FIELDS as readonly string[]).includes(field))
    throw new Error(`--map ${value}: ${field} is not a user field (${USER_FIELDS.join(', ')})`);
  return { ...previous, [column]: field as UserField };
}

export function importDjangoCommand(): Command {
  return new Command('import-django')
    .description('Import users (and groups, permissions, blacklisted token ids) from a Django project, in one transaction.')
    .requiredOption('--from <source>', 'sqlite:PATH, postgres://..., a Django SQLite file, or a `manage.py dumpdata` JSON file')
    .option('--user-model <app.Model>', 'the user model (AUTH_USER_MODEL)', 'auth.User')
    .option('--map <column=field>', 'read a user field from a renamed column (repeatable)', collectMapping, {})
    .option('--with-groups', 'also import groups, permissions and memberships', false)
    .option('--with-blacklist', "also import simplejwt's outstanding and blacklisted token ids (never the tokens)", false)
    .option('--dry-run', 'check and count everything, write nothing', false)
    .addOption(new Option('--json', 'print the summary as JSON').default(false))
    .action(async (options: Options) => {
      const { settings } = loadSettings();
      const store = await openStore(settings.DATABASE_URL);
      try {
        await store.migrate();
        if (store.importDjango === undefined) throw new Error('this store cannot take an import');
        const onProgress = options.json ? undefined : progressBar(process.stderr);
        // Loaded here, not at the top: the readers bring pg, which no other command needs.
        const { importDjango } = await import('../../django-import/import-django.js');
        const now = new Date();
        const report = await importDjango(
          { importDjango: store.importDjango.bind(store) },
          {
            from: options.from,
            userModel: options.userModel,
            columnMap: options.map,
            withGroups: options.withGroups,
            withBlacklist: options.withBlacklist,
            dryRun: options.dryRun,
            now,
            revokeOnPrivilegeChange: settings.REVOKE_ON_PRIVILEGE_CHANGE,
            ...(onProgress === undefined ? {} : { onProgress }),
          },
        );
        if (!report.dryRun) {
          for (const user of report.cutOff) {
            await recordCliAudit(store, {
              at: now,
              action: 'user.import_django',
              targetUserId: user.userId,
              target: user.username,
              detail: `changed by tessera import-django: ${user.changed.join(', ')}; tokens issued before cut off`,
            });
          }
          await announceUserChanges(
            settings,
            report.changedUsers,
            report.cutOff.map((user) => ({ ...user, at: now })),
          );
        }
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
        else process.stdout.write(`${formatImportReport(report)}  into ${describeDatabase(settings.DATABASE_URL)}\n`);
      } catch (error) {
        if (error instanceof ImportRowError) throw new Error(`import-django: invalid row ${error.message}\nNothing was imported.`);
        throw error;
      } finally {
        await store.close();
      }
    });
}
