/**
 * 0005: Django's groups and permissions, with Django's table names, columns and index names
 * (`django.contrib.contenttypes` and `django.contrib.auth` of Django 3.2, as `manage.py migrate`
 * leaves them), so `tessera import-django --with-groups` copies them row for row and a database
 * can go back to Django with plain SQL:
 *
 * - `django_content_type` (app_label, model): what a permission is about;
 * - `auth_permission` (name, content_type_id, codename);
 * - `auth_group` (name, unique);
 * - `auth_group_permissions`, `auth_user_groups`, `auth_user_user_permissions`: the three
 *   many-to-many tables, each unique on its pair.
 *
 * One deliberate difference: the foreign keys say ON DELETE CASCADE in the database itself.
 * Django declares them DEFERRABLE INITIALLY DEFERRED and deletes the links in Python before the
 * row they point at; Tessera deletes users with one statement (`deleteUser`), so the database
 * must remove a deleted user's group and permission links (as 0001 does for tokens).
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypesFor, type MigrationDialect } from './column-types.js';

/** Django's names for the pair indexes of the many-to-many tables (`<table>_<a>_<b>_<hash>_uniq`). */
const LINK_TABLES = [
  {
    table: 'auth_group_permissions',
    left: ['group_id', 'auth_group.id'],
    right: ['permission_id', 'auth_permission.id'],
    unique: 'auth_group_permissions_group_id_permission_id_0cd325b0_uniq',
    leftIndex: 'auth_group_permissions_group_id_b120cbf9',
    rightIndex: 'auth_group_permissions_permission_id_84c5c92e',
  },
  {
    table: 'auth_user_groups',
    left: ['user_id', 'auth_user.id'],
    right: ['group_id', 'auth_group.id'],
    unique: 'auth_user_groups_user_id_group_id_94350c0c_uniq',
    leftIndex: 'auth_user_groups_user_id_6a12ed8b',
    rightIndex: 'auth_user_groups_group_id_97559544',
  },
  {
    table: 'auth_user_user_permissions',
    left: ['user_id', 'auth_user.id'],
    right: ['permission_id', 'auth_permission.id'],
    unique: 'auth_user_user_permissions_user_id_permission_id_14a6b632_uniq',
    leftIndex: 'auth_user_user_permissions_user_id_a95ead1b',
    rightIndex: 'auth_user_user_permissions_permission_id_1fbb5f2c',
  },
] as const;

export function groupsPermissionsMigration(dialect: MigrationDialect): Migration {
  const types = columnTypesFor(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('django_content_type')
        .addColumn('id', 'integer', types.serialKey)
        .addColumn('app_label', 'varchar(100)', (col) => col.notNull())
        .addColumn('model', 'varchar(100)', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('django_content_type_app_label_model_76bd3d3b_uniq')
        .on('django_content_type')
        .columns(['app_label', 'model'])
        .unique()
        .execute();

      await db.schema
        .createTable('auth_permission')
        .addColumn('id', 'integer', types.serialKey)
        .addColumn('name', 'varchar(255)', (col) => col.notNull())
        .addColumn('content_type_id', 'integer', (col) => col.notNull().references('django_content_type.id').onDelete('cascade'))
        .addColumn('codename', 'varchar(100)', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('auth_permission_content_type_id_codename_01ab375a_uniq')
        .on('auth_permission')
        .columns(['content_type_id', 'codename'])
        .unique()
        .execute();
      await db.schema.createIndex('auth_permission_content_type_id_2f476e4b').on('auth_permission').column('content_type_id').execute();

      await db.schema
        .createTable('auth_group')
        .addColumn('id', 'integer', types.serialKey)
        .addColumn('name', 'varchar(150)', (col) => col.notNull().unique())
        .execute();

      for (const link of LINK_TABLES) {
        const [leftColumn, leftTarget] = link.left;
        const [rightColumn, rightTarget] = link.right;
        await db.schema
          .createTable(link.table)
          .addColumn('id', 'integer', types.serialKey)
          .addColumn(leftColumn, 'integer', (col) => col.notNull().references(leftTarget).onDelete('cascade'))
          .addColumn(rightColumn, 'integer', (col) => col.notNull().references(rightTarget).onDelete('cascade'))
          .execute();
        await db.schema.createIndex(link.unique).on(link.table).columns([leftColumn, rightColumn]).unique().execute();
        await db.schema.createIndex(link.leftIndex).on(link.table).column(leftColumn).execute();
        await db.schema.createIndex(link.rightIndex).on(link.table).column(rightColumn).execute();
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const link of [...LINK_TABLES].reverse()) await db.schema.dropTable(link.table).execute();
      await db.schema.dropTable('auth_group').execute();
      await db.schema.dropTable('auth_permission').execute();
      await db.schema.dropTable('django_content_type').execute();
    },
  };
}
