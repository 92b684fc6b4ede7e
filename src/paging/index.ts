export { startOutboxWorker, deliverDue, backoffMs, type OutboxWorker, type OutboxDeps } from './worker.js';
export { smsRoutes } from './sms-routes.js';
export { planPages, whoToPage } from './plan.js';
export { enqueue, rowsOfTicket, rowsWithStatus, type OutboxRow } from './outbox.js';
export { OUTBOX_STATUSES, OUTBOX_PURPOSES } from './schema.js';
