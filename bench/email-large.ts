/**
 * bench:email's large-mail run: ordinary messages arrive at a steady pace with a share of large ones
 * (1–20 MB) mixed in, as a helpdesk's mailbox sees them; the service is its own process at the deployed
 * heap. Measured: whether it lived, how long each ordinary message took from its IMAP APPEND to its
 * automatic reply at SMTP, and the service's peak RSS.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import type { MailServer } from '../test/support/dovecot.js';
import type { startSmtp } from '../test/support/fake-mail-chat.js';
import { message } from '../test/support/mail-messages.js';

export interface LargeFigures {
  ordinary: number;
  large: number;
  largeMb: number;
  rate: number;
  alive: boolean;
  exit?: string;
  latencies: number[];
  unanswered: number;
  peakMb: number;
  elapsedMs: number;
  tickets?: number;
}

const MB = 1024 * 1024;

/** Large message k of n: sizes spread evenly over 1–20 MB; a pasted log, a PDF, or HTML with an archive. */
function largeMessage(k: number, n: number, from: string): string {
  const size = Math.round((1 + (19 * k) / Math.max(1, n - 1)) * MB);
  const subject = `Large ${k}`;
  if (k % 3 === 0) {
    const line = `2026-11-24T03:12:00Z backup[${k}]: copied block ${'0'.repeat(24)} to slot 7, ok\n`;
    return message({ from, to: 'support@bench.example', subject, body: line.repeat(Math.ceil(size / line.length)) })
      .raw;
  }
  const content = randomBytes(Math.round((size * 3) / 4));
  return message({
    from,
    to: 'support@bench.example',
    subject,
    ...(k % 3 === 1 ? { body: 'The report is attached.' } : { html: '<p>The <b>logs</b> are attached.</p>' }),
    attachments: [
      k % 3 === 1
        ? { filename: `report-${k}.pdf`, contentType: 'application/pdf', content }
        : { filename: `logs-${k}.zip`, contentType: 'application/zip', content },
    ],
  }).raw;
}

export async function runLargeMail(o: {
  imap: MailServer;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  service: ChildProcess;
  domainOf: (i: number) => string;
  ordinary: number;
  largePercent: number;
  rate: number;
}): Promise<LargeFigures> {
  const large = Math.round((o.ordinary * o.largePercent) / 100);
  const total = o.ordinary + large;
  const every = large ? total / large : Infinity;
  const client = new ImapFlow({
    host: o.imap.host,
    port: o.imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: o.imap.user, pass: o.imap.password },
    logger: false,
  });
  await client.connect();
  // Each automatic reply names the message it answers (In-Reply-To): indexed as they arrive.
  const replies = new Map<string, number>();
  let read = 0;
  const index = () => {
    for (; read < o.smtp.mails.length; read++) {
      const m = o.smtp.mails[read]!;
      const id = /^In-Reply-To: <([^>]+)>/im.exec(m.raw)?.[1];
      if (id) replies.set(id, m.receivedAt);
    }
  };
  const appended = new Map<string, number>();
  const start = Date.now();
  let largeMb = 0;
  let k = 0;
  try {
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / o.rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const isLarge = k < large && Math.floor((i + 1) / every) > k;
      if (isLarge) {
        const raw = largeMessage(k, large, `Logs ${k} <logs${k}@${o.domainOf(k)}>`);
        largeMb += raw.length / MB;
        await client.append('INBOX', raw);
        k++;
      } else {
        const n = i - k;
        const { id, raw } = message({
          from: `Mia ${n} <mia${n}@${o.domainOf(n)}>`,
          to: 'support@bench.example',
          subject: `Ordinary ${n}`,
          body: `Hello,\n\nworkstation ${n} cannot print since this morning.\n\nThanks`,
        });
        await client.append('INBOX', raw);
        appended.set(id, Date.now());
      }
      index();
    }
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && [...appended.keys()].some((id) => !replies.has(id))) {
      await new Promise((r) => setTimeout(r, 100));
      index();
    }
    // The large ones too: every message taken (\Seen) before what became of them is counted.
    while (Date.now() < deadline && [...(await o.imap.flags()).values()].some((f) => !f.has('\\Seen')))
      await new Promise((r) => setTimeout(r, 250));
  } finally {
    await client.logout().catch(() => client.close());
  }
  index();
  const latencies = [...appended].flatMap(([id, at]) => (replies.has(id) ? [replies.get(id)! - at] : []));
  const alive = o.service.exitCode === null && o.service.signalCode === null;
  return {
    ordinary: o.ordinary,
    large,
    largeMb: Math.round(largeMb),
    rate: o.rate,
    alive,
    exit: alive ? undefined : `exit ${o.service.exitCode ?? o.service.signalCode}`,
    latencies,
    unanswered: appended.size - latencies.length,
    peakMb: alive ? peakRss(o.service.pid!) : NaN,
    elapsedMs: Date.now() - start,
  };
}

function peakRss(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]! : NaN;

export function describeLarge(r: LargeFigures): string {
  return [
    `  large mail: ${r.ordinary} ordinary messages at ${r.rate}/s with ${r.large} large ones (1–20 MB, ${r.largeMb} MB in all) mixed in, over ${Math.round(r.elapsedMs / 1000)} s`,
    `    the service ${r.alive ? 'lived' : `DIED (${r.exit})`}; peak RSS ${r.peakMb} MB (heap limit 128 MB)`,
    `    ordinary: APPEND -> automatic reply  p50 ${pct(r.latencies, 50)} ms  p99 ${pct(r.latencies, 99)} ms  max ${Math.max(...r.latencies)} ms  (target p99 < 2000 ms); unanswered ${r.unanswered}`,
    `    tickets in the database: ${r.tickets ?? '?'} (${r.ordinary} ordinary + the large ones taken)`,
  ].join('\n');
}
