import type { DeliveryRecorder } from '../paging/index.js';
import * as store from './store.js';

/**
 * What reaches a ticket's timeline of its messages: each page handed to a provider (a transcription
 * follow-up as such), each page refused for good, and each text the handset received or did not.
 */
export function timelineRecorder(clock: { now(): Date }): DeliveryRecorder {
  return async (tx, event) => {
    const { row } = event;
    const to = row.staffId ?? row.recipient;
    const now = clock.now();
    for (const ticketId of event.ticketIds) {
      if (event.kind === 'sent') {
        if (row.payload?.followUp === 'transcription')
          await store.addEvent(
            tx,
            ticketId,
            now,
            'transcription_sent',
            { channel: row.channel, to, providerId: event.providerId },
            'switchboard',
          );
        else
          await store.addEvent(
            tx,
            ticketId,
            now,
            'paged',
            {
              channel: row.channel,
              to,
              providerId: event.providerId,
              ...(row.purpose === 'page_summary' ? { summary: true } : {}),
            },
            'switchboard',
          );
      } else if (event.kind === 'delivered') {
        await store.addEvent(tx, ticketId, now, 'page_delivered', { channel: row.channel, to });
      } else {
        await store.addEvent(
          tx,
          ticketId,
          now,
          'page_failed',
          { channel: row.channel, to, error: event.error ?? null },
          'switchboard',
        );
      }
    }
  };
}
