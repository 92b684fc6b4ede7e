import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron from 'node-cron';
import { CHANNELS, DeliveryError, type Channel, type Sent } from '../channels/index.js';
import { holdIfBursting, summariseHeld, type BundlingRules } from './bundling.js';
import { recordFailure, recordSent, SENDERS, SETTLE_GRACE_MS, type DeliveryDeps } from './delivery.js';
import {
  claimForSending,
  claimForSettling,
  dueRows,
  expireLeasesOfOthers,
  nextDueAt,
  type OutboxRow,
} from './outbox.js';
import { settle } from './settle.js';

export interface OutboxDeps extends DeliveryDeps {
  /** Burst and hourly limits per person; without them every page goes at once. */
  rules?: BundlingRules;
  organisation?: string;
  /** How long one request to each channel's provider may take, in ms. */
  timeouts: Record<Channel, number>;
  /** No other instance shares the database (SQLite): what a previous process left mid-send is settled sooner. */
  soleInstance?: boolean;
}

/**
 * Each channel is its own lane with its own number of sends in flight, so a provider that hangs holds
 * up only its own lane: a hung Slack never delays a text, nor a later emergency's email.
 */
const LANE_SIZE: Record<Channel, number> = { sms: 8, email: 4, slack: 2, voice: 4 };
const SETTLERS = 4;
/** The providers' clients time out by themselves; this catches one that does not (a stalled socket). */
const BACKSTOP_MS = 2_000;

export interface ChannelHealth {
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  inFlight: number;
}

export interface OutboxWorker {
  /** Deliver now (after a commit that wrote rows). */
  kick(): void;
  /** Resolves when nothing is being sent or settled and nothing more is due. */
  idle(): Promise<void>;
  /** Takes no more work and gives sends in flight `deadlineMs` to finish; the rest are settled after a restart. */
  stop(deadlineMs?: number): Promise<{ unfinished: number }>;
  health(): Record<Channel, ChannelHealth>;
}

function withDeadline<T>(attempt: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`${what}: no answer within ${ms} ms`, 'unknown')), ms);
  });
  return Promise.race([attempt, deadline]).finally(() => clearTimeout(timer));
}

/** Runs the outbox: on every kick, at the moment something falls due, and every second as the guarantee. */
export function startOutboxWorker(deps: OutboxDeps, options: { schedule?: boolean } = {}): OutboxWorker {
  const { db, clock, log } = deps;
  const instance = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const inFlight = new Map<string, Promise<void>>();
  const busy: Record<Channel | 'settle', number> = { sms: 0, email: 0, slack: 0, voice: 0, settle: 0 };
  const health = Object.fromEntries(
    CHANNELS.map((c) => [c, { lastSuccessAt: null, lastFailureAt: null, lastError: null }]),
  ) as Record<Channel, Omit<ChannelHealth, 'inFlight'>>;
  /** Lanes whose last fill stopped because they were full: rows may be waiting for a free slot. */
  const saturated = new Set<Channel | 'settle'>();
  let stopped = false;
  let wake: NodeJS.Timeout | undefined;

  // A finished send frees a slot: the lane looks for more only if it was full, so that a quiet outbox
  // costs no queries per message; kicks, wake-ups and the per-second schedule do the rest.
  const track = (key: string, lane: Channel | 'settle', work: Promise<unknown>) => {
    busy[lane]++;
    const done: Promise<void> = work
      .then(() => undefined)
      .catch((err) => log.error({ err, work: key }, 'outbox work failed; it will be picked up again'))
      .finally(() => {
        busy[lane]--;
        inFlight.delete(key);
        if (!stopped && saturated.has(lane)) setImmediate(() => refill(lane));
      });
    inFlight.set(key, done);
  };

  const refill = (lane: Channel | 'settle') => {
    if (stopped) return;
    try {
      const now = clock.now();
      if (lane === 'settle') settleDue(now);
      else fillLane(lane, now);
    } catch (err) {
      log.error({ err, lane }, 'outbox lane failed; the next pass will try again');
    }
  };

  const deliver = async (row: OutboxRow) => {
    const timeout = deps.timeouts[row.channel];
    try {
      const sent: Sent = await withDeadline(SENDERS[row.channel](row, deps), timeout + BACKSTOP_MS, row.channel);
      recordSent(deps, row, sent.providerId);
      health[row.channel].lastSuccessAt = clock.now().toISOString();
    } catch (err) {
      recordFailure(deps, row, err);
      Object.assign(health[row.channel], {
        lastFailureAt: clock.now().toISOString(),
        lastError: err instanceof Error ? err.message.slice(0, 300) : String(err),
      });
    }
  };

  const fillLane = (channel: Channel, now: Date) => {
    saturated.delete(channel);
    let free = LANE_SIZE[channel] - busy[channel];
    const leaseUntil = new Date(now.getTime() + deps.timeouts[channel] + BACKSTOP_MS + SETTLE_GRACE_MS);
    while (free > 0 && !stopped) {
      const rows = dueRows(db, channel, now, free + 10);
      let progressed = false;
      for (const row of rows) {
        if (free <= 0) break;
        if (deps.rules && holdIfBursting(db, deps.rules, row, now)) {
          progressed = true;
          continue;
        }
        if (!claimForSending(db, row.id, instance, now, leaseUntil)) continue;
        progressed = true;
        free--;
        track(`${channel}:${row.id}`, channel, deliver(row));
      }
      if (!progressed) break;
    }
    if (free <= 0) saturated.add(channel);
  };

  const settleDue = (now: Date) => {
    saturated.delete('settle');
    const free = SETTLERS - busy.settle;
    if (free <= 0) return void saturated.add('settle');
    const leaseUntil = new Date(
      now.getTime() + Math.max(...Object.values(deps.timeouts)) + BACKSTOP_MS + SETTLE_GRACE_MS,
    );
    const claimed = claimForSettling(db, instance, now, leaseUntil, free);
    if (claimed.length === free) saturated.add('settle');
    // A message found unsent is due again at once, in its own lane.
    for (const row of claimed)
      track(
        `settle:${row.id}`,
        'settle',
        settle(deps, row).then((outcome) => outcome === 'resend' && !stopped && fillLane(row.channel, clock.now())),
      );
  };

  // The per-second schedule is the guarantee; this wakes the worker on the very millisecond a retry, a
  // burst summary or a lease falls due.
  const wakeAtNextDue = () => {
    if (wake) clearTimeout(wake);
    const at = nextDueAt(db);
    const delay = at ? at.getTime() - clock.now().getTime() : Infinity;
    if (!stopped && delay > 0 && delay < 120_000) {
      wake = setTimeout(pass, delay);
      wake.unref();
    }
  };

  function pass(): void {
    if (stopped) return;
    try {
      const now = clock.now();
      if (deps.rules) summariseHeld(db, deps.rules, deps.organisation ?? 'Switchboard', now);
      settleDue(now);
      for (const channel of CHANNELS) fillLane(channel, now);
      if (options.schedule !== false) wakeAtNextDue();
    } catch (err) {
      log.error({ err }, 'outbox pass failed; the next one will try again');
    }
  }

  if (deps.soleInstance) {
    const left = expireLeasesOfOthers(db, instance, SETTLE_GRACE_MS);
    if (left)
      log.warn(
        { messages: left },
        'messages were being sent when the service last stopped; they are settled with their providers now',
      );
  }
  const task =
    options.schedule === false ? undefined : cron.schedule('* * * * * *', pass, { noOverlap: true, name: 'outbox' });
  pass();
  return {
    kick: pass,
    idle: async () => {
      for (;;) {
        pass();
        if (inFlight.size === 0) return;
        await Promise.allSettled([...inFlight.values()]);
      }
    },
    stop: async (deadlineMs = 5_000) => {
      stopped = true;
      if (wake) clearTimeout(wake);
      await task?.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight.values()]),
        new Promise((resolve) => (timer = setTimeout(resolve, deadlineMs))),
      ]);
      clearTimeout(timer);
      return { unfinished: inFlight.size };
    },
    health: () =>
      Object.fromEntries(CHANNELS.map((c) => [c, { ...health[c], inFlight: busy[c] }])) as Record<
        Channel,
        ChannelHealth
      >,
  };
}
