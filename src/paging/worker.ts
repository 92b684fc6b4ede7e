import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron from 'node-cron';
import { jobLogger } from '../logging.js';
import { CHANNELS, DeliveryError, type Channel } from '../channels/index.js';
import { takeTurns } from '../db/index.js';
import { holdIfBursting, summariseHeld, type BundlingRules } from './bundling.js';
import { recordFailure, recordSent, SENDERS, SETTLE_GRACE_MS, type DeliveryDeps } from './delivery.js';
import {
  claimForSending,
  claimForSettling,
  dueRows,
  expireLeasesOfOthers,
  nextDueAt,
  type OutboxRow,
} from './outbox-store.js';
import { settle } from './settle.js';

export interface OutboxDeps extends DeliveryDeps {
  /** Burst and hourly limits per person; without them every page goes at once. */
  rules?: BundlingRules;
  /** How long one request to each channel's provider may take, in ms. */
  timeouts: Record<Channel, number>;
  /** No other instance shares the database (SQLite): what a previous process left mid-send is settled sooner. */
  soleInstance?: boolean;
  /**
   * This instance's stable name (machine and port): what an earlier process of the same name left
   * mid-send is settled as soon as on SQLite, since that process is gone; other instances' rows wait out
   * their leases.
   */
  instance?: string;
}

/**
 * Each channel is its own lane with its own number of sends in flight, so a provider that hangs holds
 * up only its own lane: a hung Slack never delays a text, nor a later emergency's email.
 */
const LANE_SIZE: Record<Channel, number> = { sms: 8, email: 4, slack: 2, voice: 4 };
const SETTLERS = 4;
/** How many batches of due rows one claim looks through (a burst of 1,000 pages is held in one pass). */
const MAX_CLAIM_BATCHES = 100;
/** The providers' clients time out by themselves; this catches one that does not (a stalled socket). */
const BACKSTOP_MS = 2_000;

type Lane = Channel | 'settle';

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

/**
 * Runs the outbox: on every kick, at the moment something falls due, and every second as the guarantee.
 * Rows are claimed under a lease in a transaction (skipping rows another instance is claiming), and the
 * provider is asked only after that commit.
 */
export function startOutboxWorker(given: OutboxDeps, options: { schedule?: boolean } = {}): OutboxWorker {
  // Pages go out through connections of their own: a burst of calls never makes them wait for one.
  const deps: OutboxDeps = { ...given, db: given.db.reserved() };
  const { db, clock, log } = deps;
  const life = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const instance = deps.instance ? `${deps.instance}#${life}` : life;
  const inFlight = new Map<string, Promise<void>>();
  const busy: Record<Lane, number> = { sms: 0, email: 0, slack: 0, voice: 0, settle: 0 };
  const health = Object.fromEntries(
    CHANNELS.map((c) => [c, { lastSuccessAt: null, lastFailureAt: null, lastError: null }]),
  ) as Record<Channel, Omit<ChannelHealth, 'inFlight'>>;
  /** Lanes whose last fill stopped because they were full: rows may be waiting for a free slot. */
  const saturated = new Set<Lane>();
  /** A lane being filled, and whether it must look again when done (one fill at a time per lane). */
  const filling = new Map<Lane, Promise<void>>();
  const fillAgain = new Set<Lane>();
  let stopped = false;
  let wake: NodeJS.Timeout | undefined;
  const started = expireOthers();

  async function expireOthers() {
    if (!deps.soleInstance && !deps.instance) return;
    const earlier = deps.soleInstance ? undefined : `${deps.instance}#`;
    const left = await db.withTransaction((tx) => expireLeasesOfOthers(tx, instance, SETTLE_GRACE_MS, earlier));
    if (left)
      log.warn(
        { messages: left },
        'messages were being sent when the service last stopped; they are settled with their providers now',
      );
  }

  // A finished send frees a slot: the lane looks for more only if it was full, so that a quiet outbox
  // costs no queries per message; kicks, wake-ups and the per-second schedule do the rest.
  const track = (key: string, lane: Lane, work: Promise<unknown>) => {
    busy[lane]++;
    const done: Promise<void> = work
      .then(() => undefined)
      .catch((err) => log.error({ err, work: key }, 'outbox work failed; it will be picked up again'))
      .finally(() => {
        busy[lane]--;
        inFlight.delete(key);
        if (!stopped && saturated.has(lane)) void fill(lane);
      });
    inFlight.set(key, done);
  };

  const deliver = async (row: OutboxRow) => {
    const timeout = deps.timeouts[row.channel];
    try {
      const sent = await withDeadline(SENDERS[row.channel](row, deps), timeout + BACKSTOP_MS, row.channel);
      await recordSent(deps, row, sent.providerId);
      health[row.channel].lastSuccessAt = clock.now().toISOString();
    } catch (err) {
      await recordFailure(deps, row, err);
      Object.assign(health[row.channel], {
        lastFailureAt: clock.now().toISOString(),
        lastError: err instanceof Error ? err.message.slice(0, 300) : String(err),
      });
    }
  };

  /** Claims what is due in one lane (holding pages past a burst) and starts sending it once the claim is committed. */
  const fillLane = async (channel: Channel) => {
    const now = clock.now();
    const free = LANE_SIZE[channel] - busy[channel];
    if (free <= 0) return void saturated.add(channel);
    const leaseUntil = new Date(now.getTime() + deps.timeouts[channel] + BACKSTOP_MS + SETTLE_GRACE_MS);
    const claimed = await db.withTransaction(async (tx) => {
      // Whether a person has had their burst of pages is decided by one claim at a time, on every instance.
      if (deps.rules?.bundling) await takeTurns(tx, `outbox-claim:${channel}`);
      const rows: OutboxRow[] = [];
      // A held page takes no place in the lane: keep looking until the lane is full or nothing is due,
      // so a burst's pages are all held at once rather than a few more every pass.
      for (let batch = 0; rows.length < free && batch < MAX_CLAIM_BATCHES; batch++) {
        const limit = free - rows.length + 10;
        const due = await dueRows(tx, channel, now, limit);
        for (const row of due) {
          if (rows.length >= free) break;
          if (deps.rules && (await holdIfBursting(tx, deps.rules, row, now))) continue;
          if (await claimForSending(tx, row.id, instance, now, leaseUntil)) rows.push(row);
        }
        if (due.length < limit) break;
      }
      return rows;
    });
    if (claimed.length >= free) saturated.add(channel);
    else saturated.delete(channel);
    for (const row of claimed) track(`${channel}:${row.id}`, channel, deliver(row));
  };

  const settleDue = async () => {
    const now = clock.now();
    const free = SETTLERS - busy.settle;
    if (free <= 0) return void saturated.add('settle');
    const leaseUntil = new Date(
      now.getTime() + Math.max(...Object.values(deps.timeouts)) + BACKSTOP_MS + SETTLE_GRACE_MS,
    );
    const claimed = await db.withTransaction((tx) => claimForSettling(tx, instance, now, leaseUntil, free));
    if (claimed.length === free) saturated.add('settle');
    else saturated.delete('settle');
    // A message found unsent is due again at once, in its own lane.
    for (const row of claimed) {
      track(
        `settle:${row.id}`,
        'settle',
        settle(deps, row).then((outcome) => (outcome === 'resend' ? fill(row.channel) : undefined)),
      );
    }
  };

  function fill(lane: Lane): Promise<void> {
    if (stopped) return Promise.resolve();
    const running = filling.get(lane);
    if (running) {
      fillAgain.add(lane);
      return running;
    }
    const run = (async () => {
      do {
        fillAgain.delete(lane);
        try {
          await (lane === 'settle' ? settleDue() : fillLane(lane));
        } catch (err) {
          log.error({ err, lane }, 'outbox lane failed; the next pass will try again');
        }
      } while (fillAgain.has(lane) && !stopped);
    })().finally(() => filling.delete(lane));
    filling.set(lane, run);
    return run;
  }

  // The per-second schedule is the guarantee; this wakes the worker on the very millisecond a retry, a
  // burst summary or a lease falls due.
  const wakeAtNextDue = async () => {
    const at = await nextDueAt(db.q);
    if (wake) clearTimeout(wake);
    const delay = at ? at.getTime() - clock.now().getTime() : Infinity;
    if (!stopped && delay > 0 && delay < 120_000) {
      wake = setTimeout(() => void pass(), delay);
      wake.unref();
    }
  };

  let passing: Promise<void> | undefined;
  let passAgain = false;
  function pass(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (passing) {
      passAgain = true;
      return passing;
    }
    passing = (async () => {
      await started;
      do {
        passAgain = false;
        try {
          if (deps.rules) {
            const rules = deps.rules;
            await db.withTransaction((tx) => summariseHeld(tx, rules, deps.pager.context, clock.now()));
          }
          await Promise.all([fill('settle'), ...CHANNELS.map((c) => fill(c))]);
          if (options.schedule !== false) await wakeAtNextDue();
        } catch (err) {
          log.error({ err }, 'outbox pass failed; the next one will try again');
        }
      } while (passAgain && !stopped);
    })().finally(() => {
      passing = undefined;
    });
    return passing;
  }

  const task =
    options.schedule === false
      ? undefined
      : cron.schedule('* * * * * *', () => pass(), {
          noOverlap: true,
          name: 'outbox',
          logger: jobLogger(log, 'outbox', 'expected'),
        });
  void pass();
  return {
    kick: () => void pass(),
    idle: async () => {
      for (;;) {
        await pass();
        await Promise.all(filling.values());
        if (inFlight.size === 0 && !passing) return;
        await Promise.allSettled([...inFlight.values()]);
      }
    },
    stop: async (deadlineMs = 5_000) => {
      stopped = true;
      if (wake) clearTimeout(wake);
      await task?.stop();
      await passing;
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
