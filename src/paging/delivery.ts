import type { Logger } from 'pino';
import type { Clock } from '../calendar/index.js';
import { DeliveryError, type Channel, type Channels, type Email, type Sent } from '../channels/index.js';
import type { Database, Q } from '../db/index.js';
import type { Pager } from './intents.js';
import {
  markFailed,
  markRetry,
  markSent,
  markUnknown,
  rowsOfTicket,
  updateProviderStatus,
  type OutboxRow,
} from './outbox-store.js';

/** What became of a message, for the timeline of the tickets it covers (written by whoever keeps timelines). */
export interface DeliveryEvent {
  /** Handed to the provider; refused for good (or, by its status callback, undelivered); delivered to the handset. */
  kind: 'sent' | 'failed' | 'delivered';
  row: OutboxRow;
  ticketIds: number[];
  providerId?: string;
  error?: string;
}
export type DeliveryRecorder = (tx: Q, event: DeliveryEvent) => Promise<void>;

export interface DeliveryDeps {
  db: Database;
  channels: Channels;
  clock: Clock;
  log: Logger;
  publicUrl: string;
  /** Tells this install's Slack posts apart, so settlement finds its own. */
  installId: string;
  pager: Pager;
  /** Notes deliveries on tickets' timelines. */
  record?: DeliveryRecorder;
}

const MAX_ATTEMPTS = 8;
/** 5 s, 10 s, 20 s … capped at 5 minutes: a Twilio or SMTP outage is retried until it recovers. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 300_000);
/** Pages are retried quickly (5 s, 5 s, 10 s, 20 s, then every 30 s) and for half an hour, not a number of times. */
const PAGE_RETRY_FOR_MS = 30 * 60_000;
const pageBackoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 2), 30_000);
const isPage = (row: OutboxRow) => row.purpose === 'page' || row.purpose === 'page_summary';
/** After a send timed out or its connection broke, how long the provider is given before it is asked. */
export const SETTLE_GRACE_MS = 5_000;

/** When to try again after a refusal, or undefined to give up. */
function retryAt(row: OutboxRow, attempts: number, now: Date): Date | undefined {
  if (isPage(row))
    return now.getTime() - row.createdAt.getTime() < PAGE_RETRY_FOR_MS
      ? new Date(now.getTime() + pageBackoffMs(attempts))
      : undefined;
  return attempts < MAX_ATTEMPTS ? new Date(now.getTime() + backoffMs(attempts)) : undefined;
}

/** The reference a Slack post carries in its metadata. */
export const postReference = (installId: string, row: OutboxRow) => `${installId}:${row.id}`;

type Sender = (row: OutboxRow, deps: DeliveryDeps) => Promise<Sent>;

/** What no person wrote: answers to incoming mail are auto-replied, everything else but a staff reply auto-generated. */
function automaticOf(row: OutboxRow): Email['automatic'] {
  const kind = row.payload?.notice;
  if (kind === 'staff_reply') return undefined;
  return kind === 'email_reply' || kind === 'email_refused' ? 'auto-replied' : 'auto-generated';
}

export const SENDERS: Record<Channel, Sender> = {
  sms: (row, d) =>
    d.channels.sms.send({ to: row.recipient, body: row.body, statusCallback: `${d.publicUrl}/twilio/sms/status` }),
  email: (row, d) =>
    d.channels.mail.send({
      to: row.recipient,
      subject: row.subject ?? '(no subject)',
      text: row.body,
      attachments: row.payload?.attachments as Email['attachments'],
      ...(row.payload?.thread as Pick<Email, 'messageId' | 'inReplyTo' | 'references'> | undefined),
      automatic: automaticOf(row),
    }),
  // Slack text was escaped when it was rendered.
  slack: (row, d) =>
    d.channels.chat.post({
      // 'channel' is the organisation's; a service line's own channel is named in the row.
      ...(row.recipient !== 'channel' ? { channel: row.recipient } : {}),
      text: row.body,
      blocks: row.payload?.blocks as unknown[] | undefined,
      reference: postReference(d.installId, row),
    }),
  voice: (row, d) =>
    d.channels.voice.call({
      to: row.recipient,
      url: String(row.payload?.url ?? ''),
      statusCallback: `${d.publicUrl}/twilio/voice/outbound-status`,
      detectMachine: true,
    }),
};

/** The tickets a message covers: its own, or every one a summary lists. */
const ticketsOf = (row: OutboxRow) =>
  row.purpose === 'page' && row.ticketId
    ? [row.ticketId]
    : row.purpose === 'page_summary'
      ? ((row.payload?.ticketIds as number[]) ?? [])
      : [];

/** The provider took the message (on delivery, or found by settlement): the tickets it covers say so. */
export async function recordSent(deps: DeliveryDeps, row: OutboxRow, providerId: string): Promise<void> {
  await deps.db.withTransaction(async (tx) => {
    if (!(await markSent(tx, row.id, providerId, deps.clock.now()))) return;
    await deps.record?.(tx, { kind: 'sent', row, providerId, ticketIds: ticketsOf(row) });
  });
}

export type FailureOutcome = 'unknown' | 'retry' | 'failed';

/** What came of one hand-over that did not succeed: retried later, failed for good, or unknown until settled. */
export async function recordFailure(deps: DeliveryDeps, row: OutboxRow, err: unknown): Promise<FailureOutcome> {
  const { log } = deps;
  const kind = err instanceof DeliveryError ? err.kind : 'unknown';
  const message = err instanceof Error ? err.message : String(err);
  const attempts = row.attempts + 1;
  const now = deps.clock.now();
  if (kind === 'unknown') {
    await deps.db.withTransaction((tx) => markUnknown(tx, row.id, message, new Date(now.getTime() + SETTLE_GRACE_MS)));
    log.warn(
      { outboxId: row.id, channel: row.channel, attempts, err: message },
      'no answer from the provider; the outcome will be settled before any resend',
    );
    return 'unknown';
  }
  const again = kind === 'retry' ? retryAt(row, attempts, now) : undefined;
  if (again) {
    await deps.db.withTransaction((tx) => markRetry(tx, row.id, message, again));
    log.warn({ outboxId: row.id, channel: row.channel, attempts, err: message }, 'delivery failed; will retry');
    return 'retry';
  }
  log.error({ outboxId: row.id, channel: row.channel, attempts, err: message }, 'delivery failed for good');
  await deps.db.withTransaction(async (tx) => {
    await markFailed(tx, row.id, message);
    if (row.ticketId && row.purpose === 'page') {
      await deps.record?.(tx, { kind: 'failed', row, error: message, ticketIds: [row.ticketId] });
      if (row.staffId) await tellOthersIfUnreachable(deps, tx, row);
    }
  });
  return 'failed';
}

/**
 * When every page to a person about a ticket has failed for good (opted out of SMS and mail bouncing,
 * say), everyone else paged is told, so nobody assumes that person has it.
 */
async function tellOthersIfUnreachable(deps: DeliveryDeps, tx: Q, failed: OutboxRow): Promise<void> {
  const rows = (await rowsOfTicket(tx, failed.ticketId!)).filter((r) => r.purpose === 'page');
  const mine = rows.filter((r) => r.staffId === failed.staffId && r.channel !== 'voice');
  if (mine.length === 0 || mine.some((r) => r.status !== 'failed' && r.id !== failed.id)) return;
  const ticket = (failed.payload?.ticket as { number: number } | undefined) ?? { number: failed.ticketId! };
  const others = [
    ...new Set(
      rows.filter((r) => r.staffId && r.staffId !== failed.staffId && r.channel === 'sms').map((r) => r.staffId!),
    ),
  ];
  const people = others.flatMap((id) => deps.pager.staff(id) ?? []);
  const notice = { kind: 'unreachable' as const, ticket, who: failed.staffId! };
  const about = { key: `unreachable:${failed.ticketId}:${failed.staffId}`, ticketId: failed.ticketId };
  await deps.pager.tellStaff(tx, people, notice, about, ['sms']);
  await deps.pager.post(tx, notice, about);
}

const UNDELIVERED = new Set(['failed', 'undelivered']);

/** A text's delivery status, as Twilio's status callback reports it: kept on the row, and a page's on its ticket. */
export async function recordProviderStatus(
  deps: Pick<DeliveryDeps, 'db' | 'record'>,
  providerId: string,
  status: string,
  errorCode?: string,
): Promise<void> {
  const failed = UNDELIVERED.has(status);
  await deps.db.withTransaction(async (tx) => {
    const row = await updateProviderStatus(
      tx,
      providerId,
      status,
      failed ? `Twilio ${errorCode ?? ''} ${status}`.trim() : undefined,
    );
    if (!row?.ticketId || row.purpose !== 'page' || !(failed || status === 'delivered')) return;
    await deps.record?.(tx, {
      kind: failed ? 'failed' : 'delivered',
      row,
      ticketIds: [row.ticketId],
      error: failed ? (errorCode ?? status) : undefined,
    });
  });
}
