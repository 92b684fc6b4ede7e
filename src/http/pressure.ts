import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { NextFunction, Request, Response } from 'express';

/**
 * Whether the service is under pressure: its heap near its limit, many waiting for the database, or the
 * event loop late. The heavy routes that clients and staff can call at will (downloads, uploads, long lists)
 * step aside then, with 503 and Retry-After, so that what must go on (Twilio's webhooks, the pager, email
 * intake) keeps the memory, the database and the loop.
 */
export interface Pressure {
  /** Why the service is pressed now, or undefined. */
  reason(): 'memory' | 'database' | 'event loop' | undefined;
  stop(): void;
}

export interface PressureLimits {
  /** Share of the heap's limit in use past which it is pressed (default 0.7). */
  heapShare?: number;
  /** Queries waiting for the database past which it is pressed (default 16). */
  waiting?: number;
  /** The event loop's mean delay over the last second past which it is pressed, in ms (default 150). */
  loopDelayMs?: number;
}

export function watchPressure(db: { waiting(): number }, limits: PressureLimits = {}): Pressure {
  const heapShare = limits.heapShare ?? 0.7;
  const waiting = limits.waiting ?? 16;
  const loopDelayMs = limits.loopDelayMs ?? 150;
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let lateLoop = false;
  const every = setInterval(() => {
    lateLoop = delay.mean / 1e6 > loopDelayMs;
    delay.reset();
  }, 1000);
  every.unref();
  return {
    reason() {
      const heap = getHeapStatistics();
      if (heap.used_heap_size > heap.heap_size_limit * heapShare) return 'memory';
      if (db.waiting() > waiting) return 'database';
      if (lateLoop) return 'event loop';
      return undefined;
    },
    stop() {
      clearInterval(every);
      delay.disable();
    },
  };
}

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 10;

/**
 * A route that steps aside under pressure: 503 with Retry-After and a short page (`answer`), counted for the
 * log at most once in ten seconds.
 */
export function shedUnderPressure(
  pressure: Pressure | undefined,
  answer: (req: Request, res: Response) => void,
  onShed?: (reason: string) => void,
) {
  let told = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    const reason = pressure?.reason();
    if (!reason) return next();
    if (onShed && Date.now() - told > 10_000) {
      told = Date.now();
      onShed(reason);
    }
    res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).set('Cache-Control', 'no-store');
    answer(req, res);
  };
}
