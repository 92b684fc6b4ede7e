import { createHash, randomUUID } from 'node:crypto';
import { threadOfTicket, ticketLabel, type ConversationMail, type MailThread, type Ticket } from '../tickets/index.js';
import type { ReadQ } from '../db/index.js';

/**
 * Mail threads: every Message-ID the helpdesk's mail carries is minted here, and the subject of a
 * ticket's conversation ("Re: [TK-1042] <the first subject>") is made here.
 */
const TAG = /\[TK-?(\d{1,9})\]/i;

/** The ticket number a subject names with `[TK-1042]`, if any. */
export const taggedNumber = (subject: string): number | undefined => {
  const tagged = TAG.exec(subject);
  return tagged ? Number(tagged[1]) : undefined;
};

/** A new Message-ID for mail about a ticket, at the host of PUBLIC_URL. */
export const mintMessageId = (publicUrl: string, number: number) =>
  `${ticketLabel(number).toLowerCase()}.${randomUUID()}@${new URL(publicUrl).hostname}`;

/** The Message-ID of a refusal to a message: one per message, so a refusal written twice is the same mail. */
export const refusalMessageId = (publicUrl: string, key: string) =>
  `refused.${createHash('sha1').update(key).digest('hex')}@${new URL(publicUrl).hostname}`;

/** A conversation's subject for the helpdesk's messages: "Re: [TK-1042] <the first subject>". */
export function replySubject(number: number, subject: string): string {
  const bare = subject.replace(/^((re|aw|fwd?|sv):\s*)+/i, '').trim() || '(no subject)';
  return taggedNumber(bare) === number ? `Re: ${bare}` : `Re: [${ticketLabel(number)}] ${bare}`;
}

/** The thread of a message the helpdesk sends about a ticket: a new id, answering the client's last message. */
export async function threadFor(q: ReadQ, publicUrl: string, ticket: Ticket): Promise<MailThread> {
  const messages = await threadOfTicket(q, ticket.id);
  const lastIn = messages.filter((m) => m.direction === 'in' && m.messageId).at(-1);
  return {
    messageId: mintMessageId(publicUrl, ticket.number),
    inReplyTo: lastIn?.messageId,
    references: messages.slice(-20).map((m) => m.messageId),
    subject: replySubject(ticket.number, messages[0]?.subject ?? ticket.summary),
  };
}

/** What the tickets are handed to thread their mail (requester notices, staff replies). */
export const conversationMail = (publicUrl: string): ConversationMail => ({
  threadFor: (q, ticket) => threadFor(q, publicUrl, ticket),
  newMessageId: (number) => mintMessageId(publicUrl, number),
});
