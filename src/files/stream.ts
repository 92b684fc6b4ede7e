import { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { commitLazily, type Database } from '../db/index.js';
import { paceTransfer } from './pace.js';
import { appendChunk, chunkOf, createFile, discardUnheld, FILE_CHUNK_BYTES } from './store.js';

/**
 * Chunks read or written at once by this process, whatever the number of transfers: each holds a database
 * connection while it runs, and the pool's others are for the calls and pages.
 */
const CHUNKS_AT_ONCE = 2;
const chunkWork = pLimit(CHUNKS_AT_ONCE);

export type Upload =
  { ok: true; fileId: number; size: number } | { ok: false; reason: 'too_large' | 'no_room'; size: number };

/**
 * Writes a file as it arrives, a chunk per transaction (so other writers take their turn between two), never
 * holding more than about one chunk of it. Past `maxBytes` (the file's limit, or the room its client has
 * left) what was written is removed and the rest of the source is read and dropped, so its sender can be
 * answered. The file is left unheld: whatever keeps it marks it held, or it is swept.
 */
export async function uploadFile(
  db: Database,
  source: AsyncIterable<Buffer>,
  options: { clientId: number | null; at: Date; maxBytes: number; roomBytes: number },
): Promise<Upload> {
  const fileId = await db.withTransaction((tx) => createFile(tx, options.clientId, options.at));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let seq = 0;
  let refused: 'too_large' | 'no_room' | undefined;
  const flush = async (all: boolean) => {
    while (pendingBytes >= FILE_CHUNK_BYTES || (all && pendingBytes > 0)) {
      const joined = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      const data = joined.subarray(0, FILE_CHUNK_BYTES);
      const rest = joined.subarray(data.length);
      const n = seq++;
      await paceTransfer(options.clientId, data.length);
      // Each chunk's commit need not wait for the disk: the message that keeps the file commits durably.
      await chunkWork(() =>
        db.withTransaction(async (tx) => {
          await commitLazily(tx);
          await appendChunk(tx, fileId, n, data);
        }),
      );
      pending = rest.length ? [rest] : [];
      pendingBytes = rest.length;
    }
  };
  try {
    for await (const piece of source) {
      size += piece.length;
      if (refused) continue;
      if (size > options.maxBytes) refused = 'too_large';
      else if (size > options.roomBytes) refused = 'no_room';
      if (refused) {
        pending = [];
        pendingBytes = 0;
        continue;
      }
      pending.push(piece);
      pendingBytes += piece.length;
      await flush(false);
    }
    if (!refused) await flush(true);
  } catch (err) {
    await db.withTransaction((tx) => discardUnheld(tx, [fileId])).catch(() => undefined);
    throw err;
  }
  if (refused) {
    await db.withTransaction((tx) => discardUnheld(tx, [fileId]));
    return { ok: false, reason: refused, size };
  }
  return { ok: true, fileId, size };
}

/**
 * A file's bytes as a stream, read a chunk at a time as the receiver takes them (a slow reader holds one
 * chunk), at the pace its client is allowed (`clientId`: whose transfer it counts as; null for staff).
 */
export function fileStream(db: Database, fileId: number, clientId: number | null = null): Readable {
  async function* chunks() {
    for (let seq = 0; ; seq++) {
      const data = await chunkWork(() => chunkOf(db, fileId, seq));
      if (!data) return;
      await paceTransfer(clientId, data.length);
      yield data;
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: FILE_CHUNK_BYTES });
}
