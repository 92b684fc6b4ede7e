import { ratePeriodAt } from '../calendar/index.js';
import { identifyCaller } from '../clients/index.js';
import { callerIdOf } from '../config/index.js';
import { maskPhone } from '../logging.js';
import type { CallStep, IvrDeps } from './context.js';
import { greeting } from './greeting.js';
import { isLineTestCall, lineTestSeen } from './line-test.js';
import { recordIncomingCall, type NewCall } from './store.js';

/**
 * A new call: note it (on disk before the caller is answered), recognise the caller by caller ID,
 * greet by rate period and offer the menu.
 */
export async function incomingCall(deps: IvrDeps, step: CallStep): Promise<string> {
  const now = deps.clock.now();
  // The daily test call from the organisation's own test number: seen, greeted, never logged or billed.
  if (isLineTestCall(deps.organisation, step.from)) {
    await lineTestSeen(deps.db, deps.clock, 'greeting', step.callSid);
    return greeting(deps, ratePeriodAt(deps.calendar, now));
  }
  const made = await newCall(deps, step, now);
  if (made) await recordIncomingCall(deps.db, made.call);
  const period = made?.call.ratePeriod ?? ratePeriodAt(deps.calendar, now);
  // An announcement for everyone needs nothing more; one for some clients or lines needs the caller known
  // (on PostgreSQL the row's statement recognises the caller, so then it is looked up here too).
  let known = made?.known;
  if (!known && made?.from && deps.db.engine !== 'sqlite' && deps.announcements.targeted(now))
    known = await identifyCaller(deps.clients, made.from);
  const heard = deps.announcements.forCaller({ clientId: known?.clientId, lines: known?.lines }, now);
  return greeting(deps, period, heard);
}

async function newCall(
  deps: IvrDeps,
  step: CallStep,
  now: Date,
): Promise<{ call: NewCall; known?: Awaited<ReturnType<typeof identifyCaller>>; from?: string } | undefined> {
  if (!step.callSid) return undefined;
  const period = ratePeriodAt(deps.calendar, now);
  const from = callerIdOf(step.from, deps.organisation.country);
  // On PostgreSQL the caller is recognised by the statement that writes the row (one per batch).
  const known = deps.db.engine === 'sqlite' ? await identifyCaller(deps.clients, from) : undefined;
  // Every call is on record in the calls table (the after-hours log); the log line is for debugging,
  // and built only when it will be written.
  if (deps.log.isLevelEnabled('debug'))
    deps.log.debug(
      { callSid: step.callSid, from: maskPhone(step.from), period, known: Boolean(known) },
      'incoming call',
    );
  return {
    call: {
      callSid: step.callSid,
      fromNumber: from ?? step.from?.slice(0, 40) ?? null,
      toNumber: step.to?.slice(0, 40) ?? null,
      clientId: known?.clientId ?? null,
      contactId: known?.contactId ?? null,
      ratePeriod: period,
      startedAt: now,
    },
    known,
    from,
  };
}
