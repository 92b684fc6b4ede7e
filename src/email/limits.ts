/** What a message may hold, and what of it is kept: the memory budget of reading one (src/email/parse.ts). */

/** Of a message's text parts, what is kept: the first TEXT_BYTES and TEXT_LINES; the rest is counted, not held. */
export const TEXT_BYTES = 1024 * 1024;
export const TEXT_LINES = 20_000;
/** A subject kept longer than this is cut (a 216 KB subject was seen). */
export const SUBJECT_CHARS = 300;
/* What a ticket keeps of the files (one, and a message's together) is the tickets' rule: src/tickets/limits.ts. */
/** Larger messages are not read at all: reported, and left in the mailbox. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
