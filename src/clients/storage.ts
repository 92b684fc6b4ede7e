import type { ReadQ } from '../db/index.js';
import { storageUsedBy } from '../files/index.js';
import { storageQuotaOf } from './store.js';

/** A client's file storage: what its quota allows, what its files take (uploads under way included), what is left. */
export async function storageOf(q: ReadQ, clientId: number): Promise<{ quota: number; used: number; room: number }> {
  const [quota, used] = await Promise.all([storageQuotaOf(q, clientId), storageUsedBy(q, clientId)]);
  return { quota, used, room: Math.max(0, quota - used) };
}

/** Bytes a client's files may still take. */
export const storageRoomOf = async (q: ReadQ, clientId: number): Promise<number> => (await storageOf(q, clientId)).room;
