import type { Organisation } from '../config/index.js';
import { nextOpening, type BusinessCalendar, type Clock } from '../calendar/index.js';
import type { Database } from '../db/index.js';
import type { Pager } from '../paging/index.js';
import * as store from './store.js';
import type { Callback } from './store.js';

export type { Callback } from './store.js';

export interface CallbackDeps {
  db: Database;
  clock: Clock;
  organisation: Organisation;
  /** Business hours, for rate periods. */
  calendar: BusinessCalendar;
  /** When the office returns calls: the organisation's callback windows, or its business hours. */
  callbackCalendar: BusinessCalendar;
  publicUrl: string;
  pager: Pager;
  onOutbox: () => void;
}

export interface CallbackRequest {
  clientId?: number | null;
  contactId?: number | null;
  phone: string;
  reason?: string;
  /** The call that asked for it; a repeated webhook from the same call queues nothing new. */
  callSid?: string;
}

/** When a callback that is not urgent falls due: now inside a callback window, else when the next one opens. */
export const dueFrom = (deps: Pick<CallbackDeps, 'callbackCalendar'>, at: Date): Date =>
  nextOpening(deps.callbackCalendar, at) ?? at;

/** Queues a callback for the next callback window (now, inside one) and texts the caller their place. */
export async function queueCallback(
  deps: CallbackDeps,
  request: CallbackRequest,
): Promise<{ callback: Callback; position: number }> {
  const now = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx) => {
    const callback = await store.insertCallback(tx, {
      clientId: request.clientId ?? null,
      contactId: request.contactId ?? null,
      phone: request.phone,
      reason: request.reason ?? null,
      status: 'queued',
      dueAt: dueFrom(deps, now),
      callSid: request.callSid ?? null,
      createdAt: now,
    });
    if (!callback) {
      const existing = (await store.callbackOfCall(tx, request.callSid!))!;
      return { callback: existing, position: await store.positionOf(tx, existing), fresh: false };
    }
    const position = await store.positionOf(tx, callback);
    await deps.pager.tellCustomer(
      tx,
      { phone: request.phone },
      { kind: 'callback_booked', position },
      { key: `callback:${callback.id}` },
    );
    return { callback, position, fresh: true };
  });
  if (result.fresh) deps.onOutbox();
  return { callback: result.callback, position: result.position };
}

export interface QueueEntry extends Callback {
  /** Place among the queued ones, by due time. */
  position?: number;
  /** Past its due time and not finished. */
  overdue: boolean;
  client: string | null;
  contact: string | null;
  /** The linked ticket's number, when there is one. */
  ticketNumber: number | null;
  attempts: { at: Date; staff: string; outcome: string; note: string | null }[];
}

/** The queue: open callbacks by due time, with who they are for and whether they are overdue. */
export async function listCallbacks(deps: Pick<CallbackDeps, 'db'>, now: Date, limit = 1000): Promise<QueueEntry[]> {
  const open = await store.openQueue(deps.db.q, limit);
  const attempts = new Map<number, QueueEntry['attempts']>();
  const tried = open.filter((o) => o.cb.failedAttempts > 0 || o.cb.status !== 'queued').map((o) => o.cb.id);
  for (const a of await store.attemptsOf(deps.db.q, tried)) {
    const list = attempts.get(a.callbackId) ?? [];
    list.push({ at: a.at, staff: a.staff, outcome: a.outcome, note: a.note });
    attempts.set(a.callbackId, list);
  }
  let position = 0;
  return open.map(({ cb, client, contact, ticketNumber }) => ({
    ...cb,
    ...(cb.status === 'queued' ? { position: ++position } : {}),
    overdue: cb.dueAt.getTime() < now.getTime(),
    client,
    contact,
    ticketNumber,
    attempts: attempts.get(cb.id) ?? [],
  }));
}

export const callbackById = (deps: Pick<CallbackDeps, 'db'>, id: number) => store.callbackById(deps.db.q, id);
export const openCallbackCount = (deps: Pick<CallbackDeps, 'db'>) => store.openCallbackCount(deps.db.q);
