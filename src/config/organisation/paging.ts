import { z } from 'zod';
import { duration, reshape } from '../fields.js';

/** `escalation:` how long a page waits to be taken, and how many rounds before only the architects are left. */
export const escalation = reshape(
  z
    .object({
      ack_timeout: duration.default(10 * 60_000),
      repeat: z.number().int().min(0).max(20).default(3),
    })
    .strict(),
  (e) => ({ ackTimeoutMs: e.ack_timeout, repeat: e.repeat }),
).prefault({});

/** `paging:` per person and channel, the first `burst` pages in a window go at once, the rest as one summary. */
export const paging = reshape(
  z
    .object({
      burst: z.number().int().min(1).max(100).default(3),
      burst_window: duration.default(60_000),
      hourly_limit: z.number().int().min(1).max(1000).default(30),
      bundling: z.boolean().default(true),
    })
    .strict(),
  (p) => ({ burst: p.burst, burstWindowMs: p.burst_window, hourlyLimit: p.hourly_limit, bundling: p.bundling }),
).prefault({});
