/** The summary `tessera import-django` prints. */
import type { ImportCount } from '../model/django-import.js';
import type { ImportDjangoReport } from './import-django.js';

function line(label: string, count: ImportCount, created = 'imported'): string {
  const parts = [`${count.created} ${created}`];
  if (count.updated > 0 || label === 'users') parts.push(`${count.updated} updated`);
  parts.push(`${count.unchanged} unchanged`);
  return `  ${`${label}:`.padEnd(14)}${parts.join(', ')}`;
}

/** A human summary: what was imported, updated, left unchanged, skipped (and why), and notes. */
export function formatImportReport(report: ImportDjangoReport): string {
  const { counts } = report;
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written): would import' : 'Imported'} from ${report.source}`,
    line('users', counts.users),
    line('groups', counts.groups),
    line('permissions', counts.permissions),
    line('memberships', counts.links, 'added'),
    line('tokens', counts.tokens),
    line('blacklisted', counts.blacklisted),
    `  ${'passwords:'.padEnd(14)}${
      Object.entries(report.passwordFormats)
        .map(([format, n]) => `${format} ${n}`)
        .join(', ') || 'none'
    }`,
  ];
  if (report.cutOff.length > 0) {
    // Users already in Tessera whose password, status, groups or permissions changed.
    const users = report.cutOff.length;
    const named = report.cutOff.slice(0, 10).map((user) => `${user.username}: ${user.changed.join(', ')}`);
    if (users > named.length) named.push(`and ${users - named.length} more`);
    lines.push(
      `  ${'cut off:'.padEnd(14)}${users} user${users === 1 ? '' : 's'}, tokens issued before ${report.dryRun ? 'would be' : 'are'} refused (${named.join('; ')})`,
    );
  }
  for (const skipped of report.skipped) lines.push(`  skipped ${skipped.what}: ${skipped.reason}`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
