export { billingRoutes } from './routes.js';
export { billableEvents, BILLABLE_TYPES, type BillableEvent, type BillableType } from './events.js';
export { billingCsv, neutralise } from './csv.js';
