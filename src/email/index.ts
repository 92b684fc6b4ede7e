export { startMailbox, type Mailbox } from './mailbox.js';
export { takeMessage, isAutomatic, trimQuoted, type IntakeDeps, type Taken } from './intake.js';
export { INBOUND_OUTCOMES, type InboundOutcome } from './schema.js';
export { unreadableSince, type InboundMail } from './store.js';
