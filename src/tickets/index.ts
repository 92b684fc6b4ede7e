export {
  recordVoicemail,
  recordTranscription,
  escalateTicket,
  voicemailLink,
  MIN_SECONDS,
  type TicketDeps,
  type IncomingRecording,
  type VoicemailOutcome,
} from './voicemail.js';
export { ticketRoutes, voicemailRoutes, ticketNumberParam } from './routes.js';
export { streamRecording } from './audio.js';
export {
  ticketByNumber,
  ticketById,
  voicemailById,
  knownRecordingSids,
  type Ticket,
  type TicketEvent,
  type Voicemail,
} from './repository.js';
export {
  PRIORITIES,
  TICKET_STATUSES,
  OPEN_STATUSES,
  VOICEMAIL_KINDS,
  type Priority,
  type TicketStatus,
  type VoicemailKind,
} from './schema.js';
export { slaClock, SLA_CLOCK, atLeast } from './sla.js';
import { OPEN_STATUSES } from './schema.js';
import type { Ticket } from './repository.js';
export const isOpen = (t: Ticket) => OPEN_STATUSES.includes(t.status);
export { ticketLabel } from './label.js';
export {
  changePriority,
  changeStatus,
  logWork,
  priorityChangeSchema,
  statusChangeSchema,
  workLogSchema,
  STATUS_ACTIONS,
  type Actor,
  type ChangeDeps,
} from './changes.js';
export { notifyRequester, noticeText, localTime, priorityName, type RequesterChange } from './notices.js';
export { runSlaChecks, type SlaWatchDeps } from './sla-watch.js';
export { searchTickets, workLogsOf, voicemailsOf, eventsOf, type TicketSearch, type WorkLog } from './repository.js';
