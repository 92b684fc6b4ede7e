import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { holdFiles, writeFile } from '../files/index.js';
import { ticketAttachments, ticketMessages, tickets } from './schema.js';

export type TicketMessage = typeof ticketMessages.$inferSelect;
export type TicketAttachment = Omit<typeof ticketAttachments.$inferSelect, 'fileId'> & { kept: boolean };
export type NewTicketMessage = typeof ticketMessages.$inferInsert;
export interface NewAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Its bytes in memory (an email's file, within the mail's limits): written in chunks with the message. */
  bytes?: Buffer;
  /** A file already written as it arrived (a portal upload): held with the message. */
  fileId?: number;
  /** Why it was not kept, when it was not (the timeline says so): over the size limit, or past the client's storage. */
  notKept?: 'too_large' | 'no_room';
}

export const isKept = (a: NewAttachment) => a.fileId !== undefined || a.bytes !== undefined;

/** Keeps a message and its files: those in memory written in chunks, those already written held. */
export async function insertMessage(
  tx: Q,
  message: NewTicketMessage,
  attachments: NewAttachment[] = [],
  clientId: number | null = null,
): Promise<TicketMessage> {
  const [row] = await tx.insert(ticketMessages).values(message).returning();
  if (attachments.length === 0) return row!;
  await holdFiles(
    tx,
    attachments.flatMap((a) => (a.fileId !== undefined ? [a.fileId] : [])),
  );
  const values = [];
  for (const a of attachments) {
    const fileId = a.fileId ?? (a.bytes !== undefined ? await writeFile(tx, clientId, message.at, a.bytes) : null);
    values.push({ messageId: row!.id, filename: a.filename, contentType: a.contentType, size: a.size, fileId });
  }
  await tx.insert(ticketAttachments).values(values);
  return row!;
}

/** A ticket's conversation, oldest first, with its attachments (without their content). */
export async function messagesOf(
  q: ReadQ,
  ticketId: number,
  options: { withInternal?: boolean } = { withInternal: true },
): Promise<(TicketMessage & { attachments: TicketAttachment[] })[]> {
  const messages = await q
    .select()
    .from(ticketMessages)
    .where(
      options.withInternal
        ? eq(ticketMessages.ticketId, ticketId)
        : and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.internal, false)),
    )
    .orderBy(asc(ticketMessages.id));
  if (messages.length === 0) return [];
  const files = await q
    .select({
      id: ticketAttachments.id,
      messageId: ticketAttachments.messageId,
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      size: ticketAttachments.size,
      kept: sql<number>`${ticketAttachments.fileId} is not null`,
    })
    .from(ticketAttachments)
    .where(
      inArray(
        ticketAttachments.messageId,
        messages.map((m) => m.id),
      ),
    )
    .orderBy(asc(ticketAttachments.id));
  return messages.map((m) => ({
    ...m,
    attachments: files.filter((f) => f.messageId === m.id).map((f) => ({ ...f, kept: Boolean(f.kept) })),
  }));
}

/** What threads a conversation by email: each message's id, direction and subject, oldest first (notes left out). */
export function threadOf(q: ReadQ, ticketId: number) {
  return q
    .select({
      messageId: ticketMessages.messageId,
      direction: ticketMessages.direction,
      subject: ticketMessages.subject,
    })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.internal, false)))
    .orderBy(asc(ticketMessages.id));
}

/** The ticket whose conversation holds one of these Message-IDs (the latest such message). */
export async function ticketIdOfMessages(q: ReadQ, messageIds: string[]): Promise<number | undefined> {
  if (messageIds.length === 0) return undefined;
  const [row] = await q
    .select({ ticketId: ticketMessages.ticketId })
    .from(ticketMessages)
    .where(inArray(ticketMessages.messageId, messageIds))
    .orderBy(desc(ticketMessages.id))
    .limit(1);
  return row?.ticketId;
}

/** The latest ticket opened by email that an address wrote to by email. */
export async function latestEmailTicketWrittenBy(q: ReadQ, from: string): Promise<number | undefined> {
  const [row] = await q
    .select({ ticketId: ticketMessages.ticketId })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(
      and(
        eq(ticketMessages.fromAddress, from),
        eq(ticketMessages.direction, 'in'),
        eq(ticketMessages.channel, 'email'),
        eq(tickets.source, 'email'),
      ),
    )
    .orderBy(desc(ticketMessages.id))
    .limit(1);
  return row?.ticketId;
}

/** The last address a client wrote to the ticket from. */
export async function lastClientAddress(q: ReadQ, ticketId: number): Promise<string | undefined> {
  const [last] = await q
    .select({ from: ticketMessages.fromAddress })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.direction, 'in')))
    .orderBy(desc(ticketMessages.id))
    .limit(1);
  return last?.from || undefined;
}

/** One attachment of a ticket's conversation, with the file that holds its bytes (null when it was not kept). */
export async function attachmentOf(
  q: ReadQ,
  ticketId: number,
  attachmentId: number,
  options: { withInternal?: boolean } = { withInternal: true },
) {
  const [row] = await q
    .select({
      filename: ticketAttachments.filename,
      contentType: ticketAttachments.contentType,
      size: ticketAttachments.size,
      fileId: ticketAttachments.fileId,
    })
    .from(ticketAttachments)
    .innerJoin(ticketMessages, eq(ticketMessages.id, ticketAttachments.messageId))
    .where(
      and(
        eq(ticketAttachments.id, attachmentId),
        eq(ticketMessages.ticketId, ticketId),
        ...(options.withInternal ? [] : [eq(ticketMessages.internal, false)]),
      ),
    )
    .limit(1);
  return row;
}
