import { is, SQL } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
  bigint,
  boolean,
  customType,
  foreignKey,
  index,
  pgTable,
  text,
  uniqueIndex,
  type AnyPgColumn,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import * as sqlite from './schema.js';

/**
 * The PostgreSQL tables, derived from the one set of table declarations (drizzle's SQLite dialect) so
 * that the two engines can never disagree: PostgreSQL keeps the same values the same way (times as
 * bigint milliseconds, enums and JSON as text, booleans as booleans, ids as bigint identities), which
 * is what lets one query serve both engines. drizzle-kit reads this file to write migrations/postgres.
 */
/** Bytes (a file's chunks): bytea, read and written as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

function columnOf(c: SQLiteColumn): PgColumnBuilderBase {
  const kind = c.columnType;
  let col;
  if (kind === 'SQLiteBoolean') col = boolean(c.name);
  else if (kind === 'SQLiteText' || kind === 'SQLiteTextJson') col = text(c.name);
  else if (kind === 'SQLiteInteger' || kind === 'SQLiteTimestamp') col = bigint(c.name, { mode: 'number' });
  else if (kind === 'SQLiteBlobBuffer') col = bytea(c.name);
  else throw new Error(`${c.name}: no PostgreSQL type for ${kind}`);
  if (c.primary) col = (col as ReturnType<typeof bigint>).primaryKey();
  if ((c as { autoIncrement?: boolean }).autoIncrement)
    col = (col as ReturnType<typeof bigint>).generatedByDefaultAsIdentity();
  if (c.notNull && !c.primary) col = col.notNull();
  if (c.hasDefault && c.default !== undefined) col = col.default(is(c.default, SQL) ? c.default : (c.default as never));
  if (c.isUnique) col = col.unique(c.uniqueName);
  return col;
}

const converted = new Map<string, PgTableWithColumns<never>>();

function convert(table: SQLiteTable): PgTableWithColumns<never> {
  const config = getTableConfig(table);
  const existing = converted.get(config.name);
  if (existing) return existing;
  const columns = Object.fromEntries(
    Object.entries(table)
      .filter(([, v]) => config.columns.includes(v as SQLiteColumn))
      .map(([key, c]) => [key, columnOf(c as SQLiteColumn)]),
  );
  const keyOf = (c: SQLiteColumn) =>
    Object.keys(columns).find((k) => (table as unknown as Record<string, unknown>)[k] === c)!;
  const pg = pgTable(config.name, columns, (t) => {
    const col = (c: SQLiteColumn) => (t as unknown as Record<string, AnyPgColumn>)[keyOf(c)]!;
    return [
      ...config.indexes.map((i) => {
        const cols = i.config.columns as SQLiteColumn[];
        const on = (i.config.unique ? uniqueIndex(i.config.name) : index(i.config.name)).on(
          col(cols[0]!),
          ...cols.slice(1).map(col),
        );
        return on;
      }),
      ...config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        const target = convert(ref.foreignTable as SQLiteTable) as unknown as Record<string, AnyPgColumn>;
        const targetKey = (c: SQLiteColumn) =>
          Object.keys(ref.foreignTable).find((k) => (ref.foreignTable as unknown as Record<string, unknown>)[k] === c)!;
        const built = foreignKey({
          name: fk.getName(),
          columns: ref.columns.map((c) => col(c as SQLiteColumn)) as [AnyPgColumn, ...AnyPgColumn[]],
          foreignColumns: ref.foreignColumns.map((c) => target[targetKey(c as SQLiteColumn)]!) as [
            AnyPgColumn,
            ...AnyPgColumn[],
          ],
        });
        return fk.onDelete ? built.onDelete(fk.onDelete) : built;
      }),
    ];
  }) as unknown as PgTableWithColumns<never>;
  converted.set(config.name, pg);
  return pg;
}

/** Every table, by the name each capability's schema exports it under. */
export const postgresTables = Object.fromEntries(
  Object.entries(sqlite)
    .filter(([, v]) => is(v, SQLiteTable))
    .map(([name, t]) => [name, convert(t as SQLiteTable)]),
);
