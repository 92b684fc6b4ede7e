import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SqliteDatabase } from './sqlite.js';

/**
 * SQLite's automatic WAL checkpoint runs inside whichever commit crosses the threshold, and with
 * better-sqlite3 that commit blocks the event loop while pages are copied and the file is synced:
 * a few milliseconds that land on some unlucky caller's webhook. Here a worker thread, with its own
 * connection, runs a PASSIVE checkpoint every second instead (it never blocks writers), and the
 * service's connection stops checkpointing by itself. If the worker ever fails, the automatic
 * checkpoint is switched back on, so the WAL can never grow without bound.
 */
export function startCheckpointer(db: SqliteDatabase, log: Logger, everyMs = 1000): { stop(): Promise<void> } {
  const path = db.path;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.path);
    db.pragma('busy_timeout = 1000');
    const timer = setInterval(() => {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch (err) {
        parentPort.postMessage({ error: String(err && err.message || err) });
      }
    }, workerData.everyMs);
    parentPort.on('message', (m) => {
      if (m === 'stop') {
        clearInterval(timer);
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
        db.close();
        parentPort.close();
      }
    });`;
  let worker: Worker;
  try {
    worker = new Worker(code, {
      eval: true,
      workerData: { path, everyMs, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
  } catch (err) {
    // No worker: the database keeps checkpointing inside commits, as SQLite does by default.
    log.warn(
      { err: (err as Error).message },
      'could not start the WAL checkpoint worker; checkpoints stay in the request path',
    );
    return { stop: async () => undefined };
  }
  db.connection.pragma('wal_autocheckpoint = 0');
  let stopped = false;
  const fallBack = (why: string) => {
    if (stopped) return;
    log.error({ why }, 'WAL checkpoint worker failed; the database checkpoints by itself again');
    db.connection.pragma('wal_autocheckpoint = 1000');
  };
  worker.on(
    'message',
    (m: { error?: string }) => m.error && log.warn({ err: m.error }, 'WAL checkpoint did not complete; will try again'),
  );
  worker.on('error', (err) => fallBack(err.message));
  worker.on('exit', (code) => code !== 0 && fallBack(`exit code ${code}`));
  worker.unref();
  return {
    stop: () =>
      new Promise((resolve) => {
        stopped = true;
        db.connection.pragma('wal_autocheckpoint = 1000');
        // Held open until the worker has finished its last checkpoint and closed its connection.
        worker.ref();
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
