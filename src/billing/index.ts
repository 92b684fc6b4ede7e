export { billingRoutes } from './routes.js';
export {
  billableEvents,
  countBillable,
  syncLedger,
  BILLABLE_TYPES,
  type BillableEvent,
  type BillableType,
} from './events.js';
export { billingCsv, reportCsv, neutralise } from './csv.js';
export { monthlyReport, monthBounds, type MonthlyReport } from './report.js';
export { sendMonthlySummary } from './monthly.js';
export { dayRange, day } from './routes.js';
