export { clientRoutes } from './routes.js';
export { createClient, getClient, identifyCaller, clientBySupportCode, supportCodeSchema, type ClientDeps } from './service.js';
export type { Client, Contact } from './repository.js';
