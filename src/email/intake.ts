import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { errorMessage } from '../db/index.js';
import { clientBySender } from '../clients/index.js';
import { verdictOfResults, verifyItself, type Verdict } from './authentication.js';
import { automaticKind } from './automatic.js';
import { decide } from './decide.js';
import type { IntakeDeps, TakeOptions, Taken } from './deps.js';
import { glance, incomingOf, keyOf } from './message.js';
import { MAX_ATTACHMENT_BYTES, MAX_KEPT_BYTES } from '../tickets/index.js';
import { MAX_MESSAGE_BYTES } from './limits.js';
import type { ParsedMessage } from './parse.js';
import { parserPool, UnreadableMessage, type MailParserPool, type RawMessage } from './parser-pool.js';
import { claim, doneTaking, recordBounce } from './store.js';

let sharedParser: MailParserPool | undefined;
const parserOf = (deps: IntakeDeps) => deps.parser ?? (sharedParser ??= parserPool());
const streamOf = (raw: RawMessage): Readable =>
  raw.bytes ? Readable.from([raw.bytes]) : createReadStream(raw.path, { highWaterMark: 64 * 1024 });
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The first 64 KB of a message: enough for its headers, read without parsing it. */
export async function headOf(raw: RawMessage): Promise<Buffer> {
  if (raw.bytes) return raw.bytes.subarray(0, 64 * 1024);
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(raw.path, { start: 0, end: 64 * 1024 - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A message that cannot be taken (too large, unreadable, failing every time, or being taken when the
 * service died): recorded once as failed, with what its headers show, for the dashboard; it stays in
 * the mailbox for a person to read, and is not read again.
 */
export async function recordUnreadable(
  deps: IntakeDeps,
  head: Buffer,
  error: string,
  options: TakeOptions & { key?: string } = {},
): Promise<Taken> {
  const now = deps.tickets.clock.now();
  const key = options.key ?? `sha256:${createHash('sha256').update(head).digest('hex')}`;
  const seen = glance(head);
  const fresh = await deps.db.withTransaction(async (tx) => {
    if (options.marker) await doneTaking(tx, options.marker);
    return claim(tx, key, seen, 'failed', now, error.slice(0, 500));
  });
  if (fresh)
    deps.log.error(
      { key, from: seen.from, subject: seen.subject, err: error },
      'a message in the helpdesk mailbox could not be read; it stays there, reported on the dashboard',
    );
  return { outcome: fresh ? 'failed' : 'duplicate' };
}

/**
 * Takes one message from the mailbox, once: everything it leads to (its inbound row, the ticket or the
 * addition, the automatic reply in the outbox) is committed together, keyed on the message, so a
 * message read again after a restart or a reconnect changes nothing. Never throws for the message's
 * content: a message that cannot be read is recorded as failed (and kept in the mailbox).
 */
export async function takeMessage(
  deps: IntakeDeps,
  raw: RawMessage | Buffer,
  options: TakeOptions = {},
): Promise<Taken> {
  const source: RawMessage = Buffer.isBuffer(raw) ? { bytes: raw } : raw;
  const size = source.bytes ? source.bytes.length : (await stat(source.path)).size;
  const limit = deps.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  if (size > limit)
    return recordUnreadable(
      deps,
      await headOf(source),
      `the message is ${megabytes(size)}, over the limit of ${megabytes(limit)}`,
      options,
    );
  let parsed: ParsedMessage;
  try {
    parsed = await parserOf(deps).parse(source, {
      attachment: deps.maxAttachmentBytes ?? MAX_ATTACHMENT_BYTES,
      kept: MAX_KEPT_BYTES,
    });
  } catch (err) {
    if (!(err instanceof UnreadableMessage)) throw err;
    return recordUnreadable(deps, await headOf(source), errorMessage(err), options);
  }
  return takeParsed(deps, source, parsed, options);
}

/** Whether the sender is who the From line says: the receiving server's verdict when trusted, else checked here. */
function verdictOf(deps: IntakeDeps, raw: RawMessage, parsed: ParsedMessage, from: string): Promise<Verdict> {
  const domain = from.split('@').pop()!;
  const trust = deps.organisation.email.authentication.trust;
  if (trust) return Promise.resolve(verdictOfResults(parsed.headers['authentication-results'] ?? [], trust, domain));
  return verifyItself(streamOf(raw), domain, deps.resolver);
}

async function takeParsed(
  deps: IntakeDeps,
  raw: RawMessage,
  parsed: ParsedMessage,
  options: TakeOptions,
): Promise<Taken> {
  const { db, log, organisation } = deps;
  const now = deps.tickets.clock.now();
  const key = keyOf(parsed);
  const ours = organisation.email.addresses;
  const delivered = (parsed.headers['delivered-to'] ?? []).map((v) => v.toLowerCase());
  const to = ours.find((a) => parsed.recipients.includes(a.address) || delivered.includes(a.address));
  const from = parsed.from?.address;
  const summary = { from, to: to?.address ?? parsed.recipients[0], subject: parsed.subject };
  const finish = async (tx: Parameters<typeof doneTaking>[0]) => {
    if (options.marker) await doneTaking(tx, options.marker);
  };

  const robot = automaticKind(parsed, [...ours.map((a) => a.address), ...(deps.sentFrom ? [deps.sentFrom] : [])]);
  if (robot) {
    const outcome = robot.kind === 'loop' ? 'loop' : robot.kind === 'bounce' ? 'bounce' : 'ignored';
    const fresh = await db.withTransaction(async (tx) => {
      await finish(tx);
      if (!(await claim(tx, key, summary, outcome, now, robot.kind === 'automatic' ? robot.why : undefined)))
        return false;
      if (robot.kind === 'bounce')
        for (const address of robot.recipients) await recordBounce(tx, address, parsed.subject, now);
      return true;
    });
    if (fresh)
      log.info({ outcome, ...(robot.kind === 'bounce' ? { bounced: robot.recipients.length } : {}) }, 'email taken');
    return { outcome: fresh ? outcome : 'duplicate' };
  }

  // Read before the transaction, so taking a message holds one connection at a time.
  const match = from ? await clientBySender(deps.tickets, from) : undefined;
  const verdict =
    from && (match || organisation.email.senders === 'anyone') ? await verdictOf(deps, raw, parsed, from) : undefined;
  const mail = {
    ...incomingOf(parsed, key, to?.address ?? parsed.recipients[0] ?? '', now),
    // Proven (false), not proven (true), or not checked (a stranger while only registered senders are taken).
    ...(verdict ? { unverified: !verdict.verified } : {}),
  };
  const taken = await db.withTransaction(async (tx): Promise<Taken & { fresh: boolean }> => {
    await finish(tx);
    // Claimed first: a second reading of the same message, here or on another instance, stops here.
    const kind = match?.contactId ? 'contact' : match ? 'domain' : 'stranger';
    const judged = { verified: verdict?.verified, verdict: verdict?.why, sender: kind } as const;
    if (!(await claim(tx, key, { ...summary, ...judged }, 'ignored', now)))
      return { outcome: 'duplicate', fresh: false };
    const sender = { clientId: match?.clientId, contactId: match?.contactId, line: to?.line };
    return { ...(await decide(deps, tx, mail, sender)), fresh: true };
  });
  if (taken.fresh) {
    deps.tickets.onOutbox();
    log.info(
      { outcome: taken.outcome, ticket: taken.ticketNumber, ...(verdict ? { verified: verdict.verified } : {}) },
      'email taken',
    );
  }
  return { outcome: taken.outcome, ticketNumber: taken.ticketNumber };
}
