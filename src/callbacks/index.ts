export { callbackRoutes } from './routes.js';
export {
  queueCallback,
  listCallbacks,
  openCallbackCount,
  callbackById,
  dueFrom,
  type Callback,
  type CallbackDeps,
  type CallbackRequest,
  type QueueEntry,
} from './service.js';
export {
  addCallback,
  claimCallback,
  releaseCallback,
  recordOutcome,
  callCustomer,
  noteCallbackCall,
  sendOverdueSummary,
  newCallbackSchema,
  outcomeSchema,
  CALLBACK_OUTCOMES,
} from './work.js';
