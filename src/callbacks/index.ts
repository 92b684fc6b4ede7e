export { callbackRoutes } from './routes.js';
export { queueCallback, listCallbacks, type Callback, type CallbackDeps, type CallbackRequest } from './service.js';
export { addCallback, claimCallback, recordOutcome, CALLBACK_OUTCOMES } from './work.js';
