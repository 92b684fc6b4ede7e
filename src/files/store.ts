import { and, eq, inArray, lt, sql, sum } from 'drizzle-orm';
import type { Database, Q, ReadQ } from '../db/index.js';
import { fileChunks, storedFiles } from './schema.js';

/**
 * How much of a file one row holds. A transfer holds one chunk at a time (on PostgreSQL read first as base64
 * text a third larger), so this bounds what any transfer keeps in memory.
 */
export const FILE_CHUNK_BYTES = 256 * 1024;

/** A new file, empty and not yet held by anything. */
export async function createFile(tx: Q, clientId: number | null, at: Date, held = false): Promise<number> {
  const [row] = await tx
    .insert(storedFiles)
    .values({ clientId, size: 0, held, createdAt: at })
    .returning({ id: storedFiles.id });
  return row!.id;
}

/** Adds the next chunk (at most FILE_CHUNK_BYTES) to a file. */
export async function appendChunk(tx: Q, fileId: number, seq: number, data: Buffer): Promise<void> {
  await tx.insert(fileChunks).values({ fileId, seq, data });
  await tx
    .update(storedFiles)
    .set({ size: sql`${storedFiles.size} + ${data.length}` })
    .where(eq(storedFiles.id, fileId));
}

/** A whole file already in memory (an email's attachment, bounded by the mail's limits), written in chunks. */
export async function writeFile(tx: Q, clientId: number | null, at: Date, bytes: Buffer): Promise<number> {
  const id = await createFile(tx, clientId, at, true);
  for (let seq = 0, offset = 0; offset < bytes.length; seq++, offset += FILE_CHUNK_BYTES)
    await appendChunk(tx, id, seq, bytes.subarray(offset, offset + FILE_CHUNK_BYTES));
  return id;
}

/** Marks files as kept by something (a ticket's attachment): the sweep leaves them. */
export async function holdFiles(tx: Q, ids: number[]): Promise<void> {
  if (ids.length) await tx.update(storedFiles).set({ held: true }).where(inArray(storedFiles.id, ids));
}

/** Removes files that nothing holds: an upload whose form was refused. */
export async function discardUnheld(tx: Q, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const gone = await tx
    .delete(storedFiles)
    .where(and(inArray(storedFiles.id, ids), eq(storedFiles.held, false)))
    .returning({ id: storedFiles.id });
  return gone.length;
}

/** Removes unheld files older than `before` (uploads a crash or a dropped connection left), a few at a time. */
export async function sweepUnheld(tx: Q, before: Date, limit = 50): Promise<number> {
  const stale = await tx
    .select({ id: storedFiles.id })
    .from(storedFiles)
    .where(and(eq(storedFiles.held, false), lt(storedFiles.createdAt, before)))
    .limit(limit);
  return discardUnheld(
    tx,
    stale.map((s) => s.id),
  );
}

/**
 * One chunk of a file, or undefined past its end. PostgreSQL sends it as base64 text (a third larger)
 * rather than bytea's hex (twice as large), which both ends spend less time on.
 */
export async function chunkOf(db: Database, fileId: number, seq: number): Promise<Buffer | undefined> {
  if (db.engine === 'postgres') {
    const [text] = await db.q
      .select({ data: sql<string>`encode(${fileChunks.data}, 'base64')` })
      .from(fileChunks)
      .where(and(eq(fileChunks.fileId, fileId), eq(fileChunks.seq, seq)))
      .limit(1);
    return text ? Buffer.from(text.data, 'base64') : undefined;
  }
  const [row] = await db.q
    .select({ data: fileChunks.data })
    .from(fileChunks)
    .where(and(eq(fileChunks.fileId, fileId), eq(fileChunks.seq, seq)))
    .limit(1);
  return row?.data;
}

/** Bytes a client's files take, counting uploads under way. */
export async function storageUsedBy(q: ReadQ, clientId: number): Promise<number> {
  const [row] = await q
    .select({ bytes: sum(storedFiles.size) })
    .from(storedFiles)
    .where(eq(storedFiles.clientId, clientId));
  return Number(row?.bytes ?? 0);
}
