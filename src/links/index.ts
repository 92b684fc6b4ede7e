export { ackLinkRoutes, voicemailRoutes, type AckPageDeps } from './routes.js';
