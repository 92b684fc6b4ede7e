import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { parseMessage } from './parse.js';
import type { ParseJob, ParseAnswer } from './parser-pool.js';

/** The parsing thread: one message at a time, within the heap its pool gives it (src/email/parser-pool.ts). */
parentPort!.on('message', (job: ParseJob) => {
  const raw = job.path ? createReadStream(job.path) : Readable.from([Buffer.from(job.bytes!)]);
  parseMessage(raw, job.limits).then(
    (parsed) => {
      const transfer = parsed.attachments.flatMap((a) => (a.content ? [a.content.buffer as ArrayBuffer] : []));
      parentPort!.postMessage({ id: job.id, parsed } satisfies ParseAnswer, transfer);
    },
    (err: unknown) =>
      parentPort!.postMessage({
        id: job.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies ParseAnswer),
  );
});
