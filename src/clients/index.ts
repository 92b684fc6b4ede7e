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
  packagesOf,
  drawFromPackage,
  describeBalance,
  newPackageSchema,
  packageUsedBetween,
  type PackageBalance,
} from './packages.js';
export { clientById, clientNames, contactByPhone, listClients } from './store.js';
