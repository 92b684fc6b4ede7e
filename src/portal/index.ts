/** The clients' portal (/portal) and the public notices (/status): a channel into the tickets for clients' contacts. */
export { portalRoutes } from './routes.js';
export { statusRoutes } from './status-routes.js';
export type { PortalDeps } from './deps.js';
