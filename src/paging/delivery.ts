import type { Logger } from 'pino';
import type { Clock } from '../calendar/index.js';
import { DeliveryError, escapeSlack, type Channel, type Channels, type Email, type Sent } from '../channels/index.js';
import type { Db } from '../db/index.js';
import { addEvent, ticketById } from '../tickets/repository.js';
import { ticketLabel } from '../tickets/label.js';
import { enqueue, markFailed, markRetry, markSent, markUnknown, rowsOfTicket, type OutboxRow } from './outbox.js';

export interface DeliveryDeps {
  db: Db;
  channels: Channels;
  clock: Clock;
  log: Logger;
  publicUrl: string;
  /** Tells this install's Slack posts apart, so settlement finds its own. */
  installId: string;
}

const MAX_ATTEMPTS = 8;
/** 5 s, 10 s, 20 s … capped at 5 minutes: a Twilio or SMTP outage is retried until it recovers. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 300_000);
/** Pages are retried quickly (5 s, 5 s, 10 s, 20 s, then every 30 s) and for half an hour, not a number of times. */
const PAGE_RETRY_FOR_MS = 30 * 60_000;
const pageBackoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 2), 30_000);
const isPage = (row: OutboxRow) => row.purpose === 'page' || row.purpose === 'page_summary';

/** When to try again after a refusal, or undefined to give up. */
function retryAt(row: OutboxRow, attempts: number, now: Date): Date | undefined {
  if (isPage(row))
    return now.getTime() - row.createdAt.getTime() < PAGE_RETRY_FOR_MS
      ? new Date(now.getTime() + pageBackoffMs(attempts))
      : undefined;
  return attempts < MAX_ATTEMPTS ? new Date(now.getTime() + backoffMs(attempts)) : undefined;
}
/** After a send timed out or its connection broke, how long the provider is given before it is asked. */
export const SETTLE_GRACE_MS = 5_000;

/** The reference a Slack post carries in its metadata. */
export const postReference = (installId: string, row: OutboxRow) => `${installId}:${row.id}`;

type Sender = (row: OutboxRow, deps: DeliveryDeps) => Promise<Sent>;

export const SENDERS: Record<Channel, Sender> = {
  sms: (row, d) =>
    d.channels.sms.send({ to: row.recipient, body: row.body, statusCallback: `${d.publicUrl}/twilio/sms/status` }),
  email: (row, d) =>
    d.channels.mail.send({
      to: row.recipient,
      subject: row.subject ?? '(no subject)',
      text: row.body,
      attachments: row.payload?.attachments as Email['attachments'],
    }),
  // A post with blocks was rendered (and escaped) for Slack; a plain notice is escaped here.
  slack: (row, d) => {
    const blocks = row.payload?.blocks as unknown[] | undefined;
    return d.channels.chat.post({
      text: blocks ? row.body : escapeSlack(row.body),
      blocks,
      reference: postReference(d.installId, row),
    });
  },
  voice: (row, d) =>
    d.channels.voice.call({
      to: row.recipient,
      url: String(row.payload?.url ?? ''),
      statusCallback: `${d.publicUrl}/twilio/voice/outbound-status`,
      detectMachine: true,
    }),
};

/** The provider took the message (on delivery, or found by settlement): the tickets it covers say so. */
export function recordSent(deps: DeliveryDeps, row: OutboxRow, providerId: string): void {
  const { db, clock } = deps;
  if (!markSent(db, row.id, providerId, clock.now())) return;
  const covered =
    row.purpose === 'page' && row.ticketId
      ? [row.ticketId]
      : row.purpose === 'page_summary'
        ? ((row.payload?.ticketIds as number[]) ?? [])
        : [];
  const to = row.staffId ?? row.recipient;
  for (const ticketId of covered) {
    if (row.payload?.followUp === 'transcription')
      addEvent(
        db,
        ticketId,
        clock.now(),
        'transcription_sent',
        { channel: row.channel, to, providerId },
        'switchboard',
      );
    else
      addEvent(
        db,
        ticketId,
        clock.now(),
        'paged',
        { channel: row.channel, to, providerId, ...(row.purpose === 'page_summary' ? { summary: true } : {}) },
        'switchboard',
      );
  }
}

/** What came of one hand-over: sent, retried later, failed for good, or unknown until settled. */
export function recordFailure(deps: DeliveryDeps, row: OutboxRow, err: unknown): FailureOutcome {
  const { db, clock, log } = deps;
  const kind = err instanceof DeliveryError ? err.kind : 'unknown';
  const message = err instanceof Error ? err.message : String(err);
  const attempts = row.attempts + 1;
  const now = clock.now();
  if (kind === 'unknown') {
    markUnknown(db, row.id, message, new Date(now.getTime() + SETTLE_GRACE_MS));
    log.warn(
      { outboxId: row.id, channel: row.channel, attempts, err: message },
      'no answer from the provider; the outcome will be settled before any resend',
    );
    return 'unknown';
  }
  const again = kind === 'retry' ? retryAt(row, attempts, now) : undefined;
  if (again) {
    markRetry(db, row.id, message, again);
    log.warn({ outboxId: row.id, channel: row.channel, attempts, err: message }, 'delivery failed; will retry');
    return 'retry';
  }
  markFailed(db, row.id, message);
  log.error({ outboxId: row.id, channel: row.channel, attempts, err: message }, 'delivery failed for good');
  if (row.ticketId && row.purpose === 'page') {
    addEvent(
      db,
      row.ticketId,
      now,
      'page_failed',
      { channel: row.channel, to: row.staffId ?? row.recipient, error: message },
      'switchboard',
    );
    if (row.staffId) tellOthersIfUnreachable(db, row.ticketId, row.staffId, now);
  }
  return 'failed';
}
export type FailureOutcome = 'unknown' | 'retry' | 'failed';

/**
 * When every page to a person about a ticket has failed for good (opted out of SMS and mail bouncing,
 * say), everyone else paged is told, so nobody assumes that person has it.
 */
function tellOthersIfUnreachable(db: Db, ticketId: number, staffId: string, now: Date): boolean {
  const rows = rowsOfTicket(db, ticketId).filter((r) => r.purpose === 'page');
  const mine = rows.filter((r) => r.staffId === staffId && r.channel !== 'voice');
  if (mine.length === 0 || mine.some((r) => r.status !== 'failed')) return false;
  const others = [
    ...new Map(
      rows
        .filter((r) => r.staffId && r.staffId !== staffId && r.channel === 'sms')
        .map((r) => [r.staffId!, r.recipient]),
    ).entries(),
  ];
  const text = `Could not reach ${staffId} about ${ticketLabel(ticketById(db, ticketId)?.number ?? ticketId)} on any channel. Make sure someone takes it.`;
  return (
    enqueue(db, [
      ...others.map(([id, phone]) => ({
        dedupeKey: `unreachable:${ticketId}:${staffId}:${id}`,
        channel: 'sms' as const,
        purpose: 'notice' as const,
        recipient: phone,
        staffId: id,
        ticketId,
        body: text,
        nextAttemptAt: now,
        createdAt: now,
      })),
      {
        dedupeKey: `unreachable:${ticketId}:${staffId}:slack`,
        channel: 'slack' as const,
        purpose: 'notice' as const,
        recipient: 'channel',
        ticketId,
        body: `:warning: ${text}`,
        nextAttemptAt: now,
        createdAt: now,
      },
    ]) > 0
  );
}
