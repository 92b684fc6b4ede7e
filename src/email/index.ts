/**
 * Email: the helpdesk mailbox as a channel into the tickets. Importing this loads no IMAP client, MIME
 * parser or DKIM verifier: those load when a mailbox is read (and the parser on a thread of its own).
 */
export { startMailbox, type Mailbox } from './mailbox.js';
export { takeMessage } from './intake.js';
export { MAX_MESSAGE_BYTES } from './limits.js';
export type { IntakeDeps, Taken } from './deps.js';
export { trimQuoted } from './message.js';
export { parserPool, type MailParserPool } from './parser-pool.js';
export { acceptHeld, discardHeld } from './quarantine.js';
export { mailboxName, mailboxProblems, type MailboxProblem } from './status.js';
export { conversationMail } from './threading.js';
export { INBOUND_OUTCOMES, type InboundOutcome } from './schema.js';
export { unreadableSince, heldMail, bouncesSince, type InboundMail } from './store.js';
