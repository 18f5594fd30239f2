/**
 * The few column definitions SQLite and PostgreSQL spell differently. Everything else in the
 * migrations is the same Kysely schema-builder code for both.
 */
import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';

/** The SQL dialects Tessera's migrations are written for. */
export type MigrationDialect = 'sqlite' | 'postgres';

/** Dialect-specific column types and the auto-increment primary key. */
export interface ColumnTypes {
  /** Datetime: TEXT in SQLite (format in `../schema.ts`), `timestamptz` in PostgreSQL. */
  readonly timestamp: ColumnDataType;
  /** Boolean: INTEGER 0/1 in SQLite (as Django), `boolean` in PostgreSQL. */
  readonly boolean: ColumnDataType;
  /** Type of the token tables' keys (simplejwt's `BigAutoField`). */
  readonly bigKey: ColumnDataType;
  /**
   * Auto-increment primary key that never reuses a deleted row's id. For users this matters:
   * tokens name users by id, so a reused id would hand a deleted user's live tokens to a new
   * user. SQLite needs AUTOINCREMENT for that (a plain INTEGER PRIMARY KEY may reuse the highest
   * id), and only on a column declared exactly INTEGER; PostgreSQL identity columns never reuse.
   */
  readonly serialKey: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

/** The column types for `dialect`. */
export function columnTypesFor(dialect: MigrationDialect): ColumnTypes {
  switch (dialect) {
    case 'sqlite':
      return {
        timestamp: 'text',
        boolean: 'integer',
        bigKey: 'integer',
        serialKey: (col) => col.primaryKey().autoIncrement(),
      };
    case 'postgres':
      return {
        timestamp: 'timestamptz',
        boolean: 'boolean',
        bigKey: 'bigint',
        serialKey: (col) => col.primaryKey().generatedByDefaultAsIdentity(),
      };
  }
}
