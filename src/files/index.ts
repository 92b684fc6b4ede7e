/** Files kept as bytes in the database, written and read in chunks from any instance (never held whole). */
export { writeFile, holdFiles, discardUnheld, sweepUnheld, storageUsedBy } from './store.js';
export { uploadFile, fileStream, type Upload } from './stream.js';
export { safeFileName } from './names.js';
