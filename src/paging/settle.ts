import type { Sent } from '../channels/index.js';
import { backoffMs, postReference, recordSent, type DeliveryDeps } from './delivery.js';
import { heldProviderIds, markRetry, markUnknown, type OutboxRow } from './outbox-store.js';

/** Asks the provider whether it took a message; undefined when it cannot tell (SMTP), so it is sent again. */
async function findAtProvider(deps: DeliveryDeps, row: OutboxRow): Promise<Sent[] | undefined> {
  const since = row.attemptedAt ?? row.createdAt;
  switch (row.channel) {
    case 'sms':
      return deps.channels.sms.findSent({ to: row.recipient, body: row.body, since });
    case 'voice':
      return deps.channels.voice.findCalls({ to: row.recipient, since });
    case 'slack': {
      const post = await deps.channels.chat.findPost({
        reference: postReference(deps.installId, row),
        since,
        ...(row.recipient !== 'channel' ? { channel: row.recipient } : {}),
      });
      return post ? [post] : [];
    }
    case 'email':
      return undefined;
  }
}

/**
 * Settles a message whose outcome is unknown (a send that timed out or lost its connection, or one a
 * crash interrupted): if the provider has it, it counts as sent with the provider's id and is never
 * sent again; if the provider does not, or cannot say (email), it is sent again now. If the provider
 * cannot be asked right now, it is asked again later. A lost page is worse than a second email.
 */
export async function settle(deps: DeliveryDeps, row: OutboxRow): Promise<'found' | 'resend' | 'later'> {
  const { db, clock, log } = deps;
  let found: Sent[] | undefined;
  try {
    found = await findAtProvider(deps, row);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const later = new Date(clock.now().getTime() + Math.min(backoffMs(row.attempts), 60_000));
    await db.withTransaction((tx) => markUnknown(tx, row.id, `could not settle: ${message}`, later));
    log.warn(
      { outboxId: row.id, channel: row.channel, err: message },
      'could not ask the provider whether a message went out; will ask again',
    );
    return 'later';
  }
  const taken = await heldProviderIds(
    db.q,
    (found ?? []).map((f) => f.providerId),
  );
  const mine = found?.find((f) => !taken.has(f.providerId));
  if (mine) {
    await recordSent(deps, row, mine.providerId);
    log.info(
      { outboxId: row.id, channel: row.channel, providerId: mine.providerId },
      'settled: the provider had taken it; not sent again',
    );
    return 'found';
  }
  await db.withTransaction((tx) => markRetry(tx, row.id, row.lastError, clock.now()));
  log.warn(
    { outboxId: row.id, channel: row.channel },
    found ? 'settled: the provider never took it; sending again' : 'settled: the provider cannot say; sending again',
  );
  return 'resend';
}
