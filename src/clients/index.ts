export { clientRoutes } from './routes.js';
export {
  createClient,
  getClient,
  identifyCaller,
  clientBySupportCode,
  supportCodeSchema,
  type ClientDeps,
} from './service.js';
export type { Client, Contact, CallerMatch } from './store.js';
export {
  addPackage,
  packagesOf,
  drawFromPackage,
  describeBalance,
  newPackageSchema,
  packageUsedBetween,
  type PackageBalance,
} from './packages.js';
export { clientById, clientNames } from './store.js';
