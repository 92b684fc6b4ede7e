import { blob, index, integer, sqliteTable, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * A file kept as bytes in the database, in chunks, so that any instance can write or read it a chunk at a
 * time and none ever holds it whole. `held` is set once something keeps it (a ticket's attachment); a file
 * left unheld (an upload that was refused, or cut short by a crash) is swept after an hour.
 */
export const storedFiles = sqliteTable(
  'files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The client whose storage it counts against (null: none, such as a stranger's mail). */
    clientId: integer('client_id'),
    /** Bytes written so far; the whole size once complete. */
    size: integer('size').notNull().default(0),
    held: integer('held', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('files_client_idx').on(t.clientId), index('files_held_idx').on(t.held, t.createdAt)],
);

/** A file's bytes, in order of `seq`: chunks of at most FILE_CHUNK_BYTES. */
export const fileChunks = sqliteTable(
  'file_chunks',
  {
    fileId: integer('file_id')
      .notNull()
      .references(() => storedFiles.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [uniqueIndex('file_chunks_file_seq_idx').on(t.fileId, t.seq)],
);
