import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AttachmentLimits, ParsedMessage } from './parse.js';

/** Where a raw message is: in memory (most), or in a file (large ones are streamed there first). */
export type RawMessage = { bytes: Buffer; path?: undefined } | { path: string; bytes?: undefined };

export interface ParseJob {
  id: number;
  bytes?: Uint8Array;
  path?: string;
  limits: AttachmentLimits;
}
export type ParseAnswer = { id: number; parsed: ParsedMessage; error?: undefined } | { id: number; error: string };

/** The parsing thread's heap. What a message may hold is bounded well below it (src/email/parse.ts). */
export const PARSER_HEAP_MB = 64;
/** A message still being parsed after this long is given up on, and its thread replaced. */
export const PARSE_TIMEOUT_MS = 60_000;

/** A message the parser could not read: the reason is for the dashboard and the log. */
export class UnreadableMessage extends Error {}

export interface MailParserPool {
  parse(raw: RawMessage, limits: AttachmentLimits): Promise<ParsedMessage>;
  stop(): Promise<void>;
}

/**
 * Messages are parsed on a thread of their own, one at a time, with a heap of its own: a message that
 * would exhaust it, or keep parsing for a minute, ends that thread and is reported as unreadable, and
 * the service (answering calls, sending pages) carries on. The next message gets a new thread.
 */
export function parserPool(options: { heapMb?: number; timeoutMs?: number } = {}): MailParserPool {
  const heapMb = options.heapMb ?? PARSER_HEAP_MB;
  const timeoutMs = options.timeoutMs ?? PARSE_TIMEOUT_MS;
  // Under tsx or vitest the sources are TypeScript: the thread loads them the same way.
  const typescript = extname(fileURLToPath(import.meta.url)) === '.ts';
  const entry = new URL(`./parse-worker${typescript ? '.ts' : '.js'}`, import.meta.url);
  let worker: Worker | undefined;
  let nextId = 0;
  let queue = Promise.resolve();

  const start = () => {
    // TypeScript sources (tsx, vitest): the thread registers tsx's loader before it loads the parser.
    const source = typescript
      ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`
      : entry;
    const w = new Worker(source, {
      eval: typescript,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 8 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    w.on('error', () => undefined); // reported to the job in flight by 'exit'
    return w;
  };

  const parseOne = (raw: RawMessage, limits: AttachmentLimits) =>
    new Promise<ParsedMessage>((resolve, reject) => {
      const w = (worker ??= start());
      const id = ++nextId;
      let lastError: Error | undefined;
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        w.off('message', onMessage).off('exit', onExit).off('error', onError);
        settle();
      };
      const onMessage = (answer: ParseAnswer) => {
        if (answer.id !== id) return;
        if (answer.error !== undefined) return finish(() => reject(new UnreadableMessage(answer.error)));
        const parsed = answer.parsed;
        for (const a of parsed.attachments)
          if (a.content) a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
        finish(() => resolve(parsed));
      };
      const onError = (err: Error) => (lastError = err);
      const onExit = () => {
        if (worker === w) worker = undefined;
        const outOfMemory = (lastError as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(() =>
          reject(
            new UnreadableMessage(
              outOfMemory
                ? `reading it took more than the parser's ${heapMb} MB of memory`
                : `the parser stopped while reading it${lastError ? ` (${lastError.message})` : ''}`,
            ),
          ),
        );
      };
      const timer = setTimeout(() => {
        lastError = new Error(`still reading it after ${Math.round(timeoutMs / 1000)} s`);
        void w.terminate();
      }, timeoutMs);
      w.on('message', onMessage).on('exit', onExit).on('error', onError);
      w.ref();
      const job: ParseJob = { id, path: raw.path, bytes: raw.bytes, limits };
      w.postMessage(job);
    }).finally(() => worker?.unref());

  return {
    parse(raw, limits) {
      const result = queue.then(() => parseOne(raw, limits));
      queue = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    async stop() {
      await queue;
      const w = worker;
      worker = undefined;
      await w?.terminate();
    },
  };
}
