/**
 * The use case behind `tessera import-django`: read a Django project's users (and, when asked,
 * its groups and permissions and simplejwt's outstanding and blacklisted tokens), check every
 * row, and write them into Tessera's store in one transaction. Passwords are copied as Django
 * stored them; each is upgraded to argon2id at that user's next successful login. A user already
 * in Tessera whose password or active status the import changes has their tokens cut off (with
 * `revokeOnPrivilegeChange`, also one whose staff or superuser status, groups or permissions
 * change), as every other such change in Tessera does.
 *
 * @example
 * ```ts
 * const report = await importDjango(store, { from: 'sqlite:./db.sqlite3', withBlacklist: true });
 * console.log(formatImportReport(report));
 * ```
 */
import { stat, open } from 'node:fs/promises';
import { identifyHashFormat, WEAK_DJANGO_FORMATS } from '../passwords/django-hashers.js';
import type { DjangoImportCounts, DjangoImportStore, ImportCutOff, ImportPhase } from '../model/django-import.js';
import { buildImportBatch, userModelOf, type Skipped, type UserField } from './build-import-batch.js';
import type { DjangoTables } from './django-tables.js';
import { readDjangoPostgres, readDjangoSqlite } from './read-django-database.js';
import { readDjangoDump } from './read-django-dump.js';

export interface ImportDjangoOptions {
  /** `sqlite:PATH`, `postgres://...`, a path to a Django SQLite file, or a `dumpdata` JSON file. */
  readonly from: string;
  /** The user model, `app_label.ModelName`. @default 'auth.User' */
  readonly userModel?: string;
  /** Source column to Tessera user field, for renamed columns. @default {} */
  readonly columnMap?: Readonly<Record<string, UserField>>;
  /** Also import groups, permissions and memberships. @default false */
  readonly withGroups?: boolean;
  /** Also import simplejwt's outstanding and blacklisted token ids. @default false */
  readonly withBlacklist?: boolean;
  /** Check and count everything, write nothing. @default false */
  readonly dryRun?: boolean;
  /** The clock (tokens expiring by then are skipped; the time of the cut-offs). @default new Date() */
  readonly now?: Date;
  /** REVOKE_ON_PRIVILEGE_CHANGE: also cut off users whose staff, superuser, groups or permissions change. @default true */
  readonly revokeOnPrivilegeChange?: boolean;
  readonly onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportDjangoReport {
  readonly source: string;
  readonly dryRun: boolean;
  readonly counts: DjangoImportCounts;
  /** Users already in Tessera that the import changed (running servers must drop them from their caches). */
  readonly changedUsers: readonly number[];
  /** Those of them whose tokens were cut off (in a dry run: would be). */
  readonly cutOff: readonly ImportCutOff[];
  readonly skipped: readonly Skipped[];
  /** How many users have each password format. */
  readonly passwordFormats: Readonly<Record<string, number>>;
  /** Things an operator must act on (weak or unsupported hashes, login by email). */
  readonly notes: readonly string[];
}

/** Opens the source `from` names. */
export async function openDjangoSource(from: string, userModel: string): Promise<DjangoTables> {
  if (/^postgres(ql)?:\/\//i.test(from)) return readDjangoPostgres(from);
  const path = from.startsWith('sqlite:') ? from.slice('sqlite:'.length) : from;
  if (!(await stat(path).catch(() => undefined))?.isFile()) throw new Error(`--from: no such file: ${path}`);
  if (from.startsWith('sqlite:') || (await startsWithSqliteHeader(path))) return readDjangoSqlite(path);
  return readDjangoDump(path, userModel);
}

async function startsWithSqliteHeader(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(16), 0, 16, 0);
    return bytesRead === 16 && buffer.toString('latin1') === 'SQLite format 3\0';
  } finally {
    await file.close();
  }
}

export async function importDjango(store: DjangoImportStore, options: ImportDjangoOptions): Promise<ImportDjangoReport> {
  const userModel = userModelOf(options.userModel ?? 'auth.User');
  const tables = await openDjangoSource(options.from, userModel.label.toLowerCase());
  const now = options.now ?? new Date();
  try {
    const built = await buildImportBatch(tables, {
      userModel,
      columnMap: options.columnMap ?? {},
      withGroups: options.withGroups ?? false,
      withBlacklist: options.withBlacklist ?? false,
      now,
    });
    const dryRun = options.dryRun ?? false;
    const { changedUsers, cutOff, ...counts } = await store.importDjango(built.batch, {
      dryRun,
      now,
      revokeOnPrivilegeChange: options.revokeOnPrivilegeChange ?? true,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const passwordFormats: Record<string, number> = {};
    for (const user of built.batch.users) {
      const format = identifyHashFormat(user.password);
      passwordFormats[format] = (passwordFormats[format] ?? 0) + 1;
    }
    return {
      source: tables.description,
      dryRun,
      counts,
      changedUsers,
      cutOff,
      skipped: built.skipped,
      passwordFormats,
      notes: notesFor(passwordFormats, built.logsInByEmail),
    };
  } finally {
    await tables.close();
  }
}

function notesFor(formats: Readonly<Record<string, number>>, logsInByEmail: boolean): string[] {
  const notes: string[] = [];
  const total = (names: readonly string[]): number => names.reduce((sum, name) => sum + (formats[name] ?? 0), 0);
  const weak = total([...WEAK_DJANGO_FORMATS]);
  if (weak > 0) {
    notes.push(
      `${weak} user(s) have a weak Django hash (md5, sha1 or unsalted): they can log in only with TESSERA_ALLOW_WEAK_DJANGO_HASHES=true (upgraded to argon2id at that login), or after a password reset`,
    );
  }
  const unsupported = total(['crypt', 'unknown']);
  if (unsupported > 0)
    notes.push(`${unsupported} user(s) have a password format Tessera cannot verify (crypt or unknown): they must reset their password`);
  const unusable = formats.unusable ?? 0;
  if (unusable > 0) notes.push(`${unusable} user(s) have an unusable password (Django's "!"): it stays unusable`);
  if (logsInByEmail)
    notes.push(
      'the user model has no username: each user\'s email is also its username; serve with TESSERA_USERNAME_FIELD=email so clients log in with {"email", "password"}',
    );
  return notes;
}
