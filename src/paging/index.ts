export { startOutboxWorker, type OutboxWorker, type OutboxDeps, type ChannelHealth } from './worker.js';
export { createPager, type Pager, type About, type EmergencyPage } from './intents.js';
export {
  NOTICE_KINDS,
  ticketLabel,
  type Notice,
  type NoticeKind,
  type RenderContext,
  type RequesterChange,
  type SlaFacts,
  type TicketFacts,
  type TicketRef,
} from './notices.js';
export { localTime, priorityName } from './words.js';
export {
  backlog,
  existingDedupeKeys,
  pagedStaff,
  rowsOfTicket,
  ticketsPagedTo,
  type OutboxRow,
} from './outbox-store.js';
export { recordProviderStatus, backoffMs, type DeliveryEvent, type DeliveryRecorder } from './delivery.js';
export { escalationStep, type EscalationPolicy, type StepDecision, type StepSend } from './escalation.js';
export {
  stopEscalation,
  nextDueEscalation,
  advanceEscalation,
  endEscalation,
  hurryEscalation,
  type Escalation,
} from './escalation-store.js';
export { whoToPage } from './people.js';
export { OUTBOX_STATUSES, OUTBOX_PURPOSES } from './schema.js';
