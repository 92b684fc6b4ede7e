/**
 * What a ticket's conversation keeps of the files a client sends, by email or on the portal: each file up
 * to MAX_ATTACHMENT_BYTES, and a message's files together up to MAX_KEPT_BYTES. (The email channel lists
 * a file past them on the ticket without its content; the portal refuses it, saying why.)
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_KEPT_BYTES = 25 * 1024 * 1024;
/** Files one portal message may carry (an email's are bounded by its size and its 500 parts). */
export const MAX_ATTACHMENTS = 20;
