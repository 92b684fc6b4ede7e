export { clientRoutes } from './routes.js';
export {
  createClient,
  getClient,
  identifyCaller,
  clientBySender,
  clientBySupportCode,
  supportCodeSchema,
  type ClientDeps,
} from './service.js';
export type { Client, Contact, CallerMatch, SenderMatch } from './store.js';
export {
  addPackage,
  addClientPackage,
  packagesOfClient,
  drawFromPackage,
  describeBalance,
  newPackageSchema,
} from './packages.js';
export { packagesOf, packageUsedBetween, type PackageBalance } from './packages-store.js';
export { clientById, clientNames, contactByPhone, listClients } from './store.js';
export { storageOf, storageRoomOf } from './storage.js';
export { DEFAULT_STORAGE_QUOTA_MB } from './store.js';
