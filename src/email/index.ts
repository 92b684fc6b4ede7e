export { startMailbox, type Mailbox } from './mailbox.js';
export { takeMessage, MAX_ATTACHMENT_BYTES, MAX_MESSAGE_BYTES } from './intake.js';
export type { IntakeDeps, Taken } from './deps.js';
export { trimQuoted } from './message.js';
export { parserPool, type MailParserPool } from './parser-pool.js';
export { acceptHeld, discardHeld } from './quarantine.js';
export { mailboxName, mailboxProblems, type MailboxProblem } from './status.js';
export { INBOUND_OUTCOMES, type InboundOutcome } from './schema.js';
export { unreadableSince, heldMail, bouncesSince, type InboundMail } from './store.js';
