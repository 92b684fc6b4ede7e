/** Files kept as bytes in the database, written and read in chunks from any instance (never held whole). */
export {
  FILE_CHUNK_BYTES,
  createFile,
  appendChunk,
  writeFile,
  holdFiles,
  discardUnheld,
  sweepUnheld,
  storageUsedBy,
} from './store.js';
export { uploadFile, fileStream, type Upload } from './stream.js';
export { safeFileName } from './names.js';
export { paceTransfer, CLIENT_BYTES_PER_SECOND, TOTAL_BYTES_PER_SECOND } from './pace.js';
