export { callbackRoutes } from './routes.js';
export { queueCallback, listCallbacks, type Callback, type CallbackDeps, type CallbackRequest } from './service.js';
