export {
  recordVoicemail,
  voicemailLink,
  MIN_SECONDS,
  type IncomingRecording,
  type VoicemailOutcome,
} from './voicemail.js';
export { escalateTicket, recordTranscription } from './by-phone.js';
export { openLiveEmergency, pageUnansweredLive, type LiveCall } from './live-emergency.js';
export type { TicketDeps, ConversationMail, MailThread } from './deps.js';
export { ticketRoutes, ticketNumberParam } from './routes.js';
export {
  ticketByNumber,
  ticketById,
  voicemailById,
  knownRecordingSids,
  searchTickets,
  billableEmergenciesBetween,
  workLogsOf,
  voicemailsOf,
  eventsOf,
  type Ticket,
  type TicketEvent,
  type Voicemail,
  type TicketSearch,
  type WorkLog,
} from './store.js';
export {
  PRIORITIES,
  TICKET_STATUSES,
  OPEN_STATUSES,
  VOICEMAIL_KINDS,
  TICKET_SOURCES,
  type TicketSource,
  type Priority,
  type TicketStatus,
  type VoicemailKind,
} from './schema.js';
export { slaClock, SLA_CLOCK, atLeast } from './sla.js';
export { ticketLabel } from '../paging/index.js';
export {
  acknowledge,
  isOpen,
  isResponsibleFor,
  staffByPhone,
  staffBySlack,
  nameOf,
  type AckChannel,
  type AckOutcome,
} from './acknowledge.js';
export {
  ACK_ALL_MS,
  ANSWER_CHANNELS,
  answerWords,
  type AnswerChannel,
  type StaffAnswer,
  type StaffCommand,
} from './answers.js';
export {
  askToTakeAll,
  confirmTaking,
  escalateSooner,
  openTicketNumbered,
  ringForCallBack,
  takeByLink,
  takeOrOffer,
  whoseTicket,
} from './staff-actions.js';
export {
  changePriority,
  changeStatus,
  logWork,
  noteOnTicket,
  priorityChangeSchema,
  statusChangeSchema,
  workLogSchema,
  STATUS_ACTIONS,
  type Actor,
} from './changes.js';
export { notifyRequester } from './requester.js';
export { runSlaChecks } from './sla-watch.js';
export { runDueEscalations } from './escalate.js';
export { timelineRecorder } from './timeline.js';
export { ackLink } from './links.js';
export {
  keepClientMessage,
  clientWrote,
  keepSent,
  conversationOf,
  attachmentOf,
  threadOfTicket,
  ticketOfMessageIds,
  latestEmailTicketOf,
  replyAddress,
  replyToClient,
  noteForStaff,
  type ClientMessage,
  type SentMessage,
  type TicketMessage,
  type TicketAttachment,
  type NewAttachment,
} from './conversation.js';
export { openTicket, type WrittenRequest } from './open.js';
export {
  voicemailsForTranscripts,
  takeTranscriptWork,
  setTranscriptId,
  voicemailByTranscriptId,
  type TranscriptWork,
} from './transcript-store.js';
export { visibleTickets, visibleTicket, openedBySince, portalMessagesBySince, type Viewer } from './visible-store.js';
export {
  openForClient,
  replyFromClient,
  solvedByClient,
  reopenedByClient,
  mayReopen,
  closedAt,
  REOPEN_WITHIN_MS,
  type ClientViewer,
  type ClientWriting,
  type NewClientTicket,
} from './client-actions.js';
export { MAX_ATTACHMENT_BYTES, MAX_KEPT_BYTES, MAX_ATTACHMENTS } from './limits.js';
export { factsOf, requesterOf } from './facts.js';
export { tellHandoffs } from './handoff.js';
