/**
 * Reads the JSON `manage.py dumpdata` writes (`dumpdata auth contenttypes token_blacklist
 * [your_user_app]`) and lays it out as the tables a database would hold, so the rest of the
 * importer reads one shape:
 *
 * - each object `{model, pk, fields}` becomes a row `{id: pk, ...fields}` of the model's table
 *   (`app_model`, and `django_content_type` for `contenttypes.contenttype`);
 * - foreign keys get their column names (`content_type` -> `content_type_id`, `user` ->
 *   `user_id`, a blacklisted token's `token` -> `token_id`);
 * - many-to-many fields become rows of their link tables (`groups` of `auth.user` ->
 *   `auth_user_groups`, `permissions` of `auth.group` -> `auth_group_permissions`).
 *
 * Natural keys (`dumpdata --natural-foreign`) are resolved to ids against the dump itself;
 * `--natural-primary` dumps are refused, since tokens name users by id.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ImportRowError } from '../errors.js';
import { DJANGO_TABLES, type DjangoRow, type DjangoTables } from './django-tables.js';

interface DumpObject {
  readonly model: string;
  readonly pk: unknown;
  readonly fields: Record<string, unknown>;
  readonly label: string;
}

/** Foreign-key fields whose column is not simply `<field>_id`: none in Django, but list the ones read. */
const FOREIGN_KEYS: Readonly<Record<string, readonly string[]>> = {
  'auth.permission': ['content_type'],
  'token_blacklist.outstandingtoken': ['user'],
  'token_blacklist.blacklistedtoken': ['token'],
};

/** The user model's label (`auth.user`, `users.customuser`), lower-case. */
export async function readDjangoDump(path: string, userModel: string): Promise<DjangoTables> {
  const name = basename(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ImportRowError(name, `not a dumpdata JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(parsed)) throw new ImportRowError(name, 'not a dumpdata JSON file: expected a list of objects');
  const objects = parsed.map((item: unknown, index): DumpObject => {
    const label = `${name} object #${index + 1}`;
    if (item === null || typeof item !== 'object') throw new ImportRowError(label, 'not an object');
    const { model, pk, fields } = item as Record<string, unknown>;
    if (typeof model !== 'string' || fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new ImportRowError(label, 'expected {"model", "pk", "fields"}');
    }
    return { model: model.toLowerCase(), pk, fields: fields as Record<string, unknown>, label: `${label} (${model} pk=${String(pk)})` };
  });
  const tables = new DumpTables(objects, userModel.toLowerCase());
  return {
    description: `dumpdata file ${path}`,
    has: (table) => Promise.resolve(tables.byTable.has(table)),
    rows: (table) => Promise.resolve(tables.byTable.get(table) ?? []),
    async close() {},
  };
}

class DumpTables {
  readonly byTable = new Map<string, DjangoRow[]>();
  readonly #objects: readonly DumpObject[];

  constructor(objects: readonly DumpObject[], userModel: string) {
    this.#objects = objects;
    const userTable = userModel.replace('.', '_');
    const userColumn = `${userModel.slice(userModel.indexOf('.') + 1)}_id`;
    for (const object of objects) {
      if (object.pk === undefined || object.pk === null) {
        throw new ImportRowError(object.label, 'has no pk: dump without --natural-primary (tokens name users by id)');
      }
      const row: Record<string, unknown> = { id: object.pk };
      const foreignKeys = FOREIGN_KEYS[object.model] ?? [];
      for (const [field, value] of Object.entries(object.fields)) {
        if (foreignKeys.includes(field)) row[`${field}_id`] = this.#resolve(object, field, value);
        else if (object.model === userModel && (field === 'groups' || field === 'user_permissions')) {
          const target = field === 'groups' ? 'group_id' : 'permission_id';
          for (const [index, ref] of this.#list(object, field, value).entries()) {
            this.#add(`${userTable}_${field}`, {
              label: `${object.label} ${field}[${index}]`,
              values: { [userColumn]: object.pk, [target]: this.#resolve(object, field, ref) },
            });
          }
        } else if (object.model === 'auth.group' && field === 'permissions') {
          for (const [index, ref] of this.#list(object, field, value).entries()) {
            this.#add(DJANGO_TABLES.groupPermissions, {
              label: `${object.label} permissions[${index}]`,
              values: { group_id: object.pk, permission_id: this.#resolve(object, field, ref) },
            });
          }
        } else row[field] = value;
      }
      this.#add(tableOf(object.model), { label: object.label, values: row });
    }
  }

  #add(table: string, row: DjangoRow): void {
    const rows = this.byTable.get(table);
    if (rows === undefined) this.byTable.set(table, [row]);
    else rows.push(row);
  }

  #list(object: DumpObject, field: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) throw new ImportRowError(object.label, `${field}: expected a list`);
    return value;
  }

  /** An id, or a natural key (`--natural-foreign`) looked up among the dump's own objects. */
  #resolve(object: DumpObject, field: string, ref: unknown): unknown {
    if (!Array.isArray(ref)) return ref;
    const matches = (model: string, test: (fields: Record<string, unknown>) => boolean): unknown => {
      const found = this.#objects.find((candidate) => candidate.model === model && test(candidate.fields));
      if (found === undefined)
        throw new ImportRowError(object.label, `${field}: natural key ${JSON.stringify(ref)} names nothing in the dump`);
      return found.pk;
    };
    const [a, b, c] = ref as unknown[];
    switch (field) {
      case 'content_type':
        return matches('contenttypes.contenttype', (f) => f.app_label === a && f.model === b);
      case 'permissions':
      case 'user_permissions': {
        const contentType = matches('contenttypes.contenttype', (f) => f.app_label === b && f.model === c);
        return matches(
          'auth.permission',
          (f) =>
            f.codename === a &&
            (Array.isArray(f.content_type) ? f.content_type[0] === b && f.content_type[1] === c : f.content_type === contentType),
        );
      }
      case 'groups':
        return matches('auth.group', (f) => f.name === a);
      default:
        throw new ImportRowError(object.label, `${field}: natural keys are not supported here; dump without --natural-foreign`);
    }
  }
}

/** Django's default table name for a model label, and the one built-in exception. */
function tableOf(model: string): string {
  return model === 'contenttypes.contenttype' ? DJANGO_TABLES.contentTypes : model.replace('.', '_');
}
