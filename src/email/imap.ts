import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { ImapFlow } from 'imapflow';

export type { ImapFlow };
import type { MailboxTarget } from '../config/index.js';

/**
 * A connection to the helpdesk mailbox. TLS certificates are checked (imaps://). The IMAP client is
 * loaded only where there is a mailbox to read.
 */
export async function imapClient(target: MailboxTarget): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.secure,
    auth: { user: target.user, pass: target.password },
    logger: false,
    // Plain imap:// only where TLS is not offered (a local server); imaps:// checks the certificate.
    doSTARTTLS: target.secure ? undefined : false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    // IDLE again a moment after each reading: until IDLE starts the server cannot say that mail arrived,
    // so mail landing in between waits for it (imapflow's default is 15 s; 500 ms measured as the whole
    // of a message's median wait in bench:email).
    autoIdleDelay: 100,
  });
}

/** A batch of messages, whole, in one round trip. */
export async function fetchSources(c: ImapFlow, batch: number[]): Promise<Map<number, Buffer>> {
  const sources = new Map<number, Buffer>();
  for await (const m of c.fetch(batch.join(','), { uid: true, source: true }, { uid: true }))
    if (m.source) sources.set(m.uid, m.source);
  return sources;
}

/** The first 64 KB of a message: its headers, for a record of a message that is not read whole. */
export async function headOfMessage(c: ImapFlow, uid: number): Promise<Buffer> {
  const m = await c.fetchOne(String(uid), { source: { start: 0, maxLength: 64 * 1024 } }, { uid: true });
  return m && m.source ? m.source : Buffer.alloc(0);
}

/** A whole message streamed into a file, never held in memory; false when the server no longer has it. */
export async function downloadTo(c: ImapFlow, uid: number, path: string): Promise<boolean> {
  const { content } = await c.download(String(uid), undefined, { uid: true });
  if (!content) return false;
  await pipeline(content, createWriteStream(path));
  return true;
}
