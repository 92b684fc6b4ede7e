import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Clock } from '../calendar/index.js';
import type { Voice } from '../channels/index.js';
import { contactByPhone } from '../clients/index.js';
import { callerIdOf, type Organisation } from '../config/index.js';
import { errorMessage, readState, writeState, type Database, type Q, type ReadQ } from '../db/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { architects } from '../oncall/index.js';
import type { Pager } from '../paging/index.js';
import type { CallStep } from './context.js';

/** Where the last test of the helpdesk line stands (service_state, JSON; /healthz reads it too). */
export const LINE_TEST_KEY = 'line_test';
/** The test call must reach the incoming-call webhook within this long. */
export const LINE_TEST_WAIT_MS = 2 * 60_000;
/** What the test call presses once connected: a pause for the greeting, then a key the menu does not offer. */
export const LINE_TEST_DIGITS = 'wwwwwwww9';

export interface LineTest {
  id: string;
  startedAt: string;
  from: string;
  to: string;
  by: string;
  status: 'calling' | 'seen' | 'failed';
  /** How far the call got: the greeting (the incoming-call webhook) and then the menu. */
  reached?: 'greeting' | 'menu';
  /** Twilio's SID of the call the test placed. */
  callSid?: string;
  /** That call was answered: Twilio asked for its TwiML, with its SID (the helpdesk number picked up). */
  legAnswered?: boolean;
  seenAt?: string;
  why?: string;
}

export interface LineTestDeps {
  db: Database;
  clock: Clock;
  organisation: Organisation;
  publicUrl: string;
  pager: Pager;
  voice: Voice;
  onOutbox(): void;
}

export async function lineTestState(q: ReadQ): Promise<LineTest | undefined> {
  const raw = await readState(q, LINE_TEST_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as LineTest;
  } catch {
    return undefined;
  }
}

const save = (tx: Q, test: LineTest, now: Date) => writeState(tx, LINE_TEST_KEY, JSON.stringify(test), now);

/** The architects hear that callers may not be getting through, by text, email and Slack, once per test. */
async function pageFailure(deps: LineTestDeps, tx: Q, test: LineTest, now: Date): Promise<void> {
  const notice = {
    kind: 'line_test_failed' as const,
    from: test.from,
    to: test.to,
    at: new Date(test.startedAt),
    why: test.why ?? 'not seen',
  };
  const about = { key: `line-test:${test.id}` };
  await deps.pager.tellStaff(tx, architects(deps.organisation), notice, about);
  await deps.pager.post(tx, notice, about);
  await save(tx, test, now);
}

/**
 * Calls the helpdesk number from the organisation's test number (`self_test.from`), as a caller would,
 * pressing through the greeting to the menu. The service's own incoming-call webhook must see the call
 * within two minutes (checkLineTest); if Twilio refuses to place it, that is a failure at once.
 */
export async function startLineTest(deps: LineTestDeps, by: string): Promise<Outcome<LineTest>> {
  const selfTest = deps.organisation.selfTest;
  if (!selfTest)
    return fail(
      'conflict',
      'not_configured',
      'No self_test in the organisation file: give it a time and a second number.',
    );
  if (!deps.voice.live)
    return fail(
      'conflict',
      'no_twilio',
      'Twilio is not configured (TWILIO_* settings), so no test call can be placed.',
    );
  const now = deps.clock.now();
  // Calls from the test number are greeted as test calls and never logged: a client's phone must never be one.
  const client = await contactByPhone(deps.db, selfTest.from);
  const test: LineTest = {
    id: randomBytes(12).toString('hex'),
    startedAt: now.toISOString(),
    from: selfTest.from,
    to: deps.organisation.helpdeskNumber,
    by,
    status: 'calling',
  };
  if (client) {
    const why = `self_test.from ${selfTest.from} is also the phone of ${client.contactName} at ${client.clientName}: calls from it would be taken for test calls`;
    await deps.db.withTransaction((tx) => pageFailure(deps, tx, { ...test, status: 'failed', why }, now));
    deps.onOutbox();
    return ok({ ...test, status: 'failed', why });
  }
  await deps.db.withTransaction((tx) => save(tx, test, now));
  try {
    const placed = await deps.voice.call({
      to: test.to,
      from: test.from,
      // The test's id in the URL (signed by Twilio like the rest) names the test this call belongs to.
      url: `${deps.publicUrl}/twilio/voice/line-test-leg?test=${test.id}`,
      sendDigits: LINE_TEST_DIGITS,
    });
    await update(deps.db, deps.clock, (t) => (t.id === test.id ? { ...t, callSid: placed.providerId } : undefined));
  } catch (err) {
    const failed: LineTest = {
      ...test,
      status: 'failed',
      why: `Twilio did not place the test call: ${errorMessage(err).slice(0, 200)}`,
    };
    await deps.db.withTransaction((tx) => pageFailure(deps, tx, failed, deps.clock.now()));
    deps.onOutbox();
    return ok(failed);
  }
  return ok(test);
}

/**
 * The day's test, once self_test.at (local time) has passed and no test has started since. Run every
 * minute from the database's state rather than fired by a timer at that minute, so a service that was
 * down or restarting then tests the line as soon as it is back, and only one instance does.
 */
export async function runDailyLineTest(deps: LineTestDeps): Promise<LineTest | undefined> {
  const selfTest = deps.organisation.selfTest;
  if (!selfTest || !deps.voice.live) return undefined;
  const now = deps.clock.now();
  const due = DateTime.fromJSDate(now, { zone: deps.organisation.timezone })
    .startOf('day')
    .plus({ minutes: selfTest.atMinutes })
    .toMillis();
  if (now.getTime() < due) return undefined;
  const last = await lineTestState(deps.db.q);
  if (last && new Date(last.startedAt).getTime() >= due) return undefined;
  const started = await startLineTest(deps, 'the daily test');
  return started.ok ? started.value : undefined;
}

/** A test still waiting after two minutes has failed: the architects are paged. Run every minute. */
export async function checkLineTest(deps: LineTestDeps): Promise<LineTest | undefined> {
  const now = deps.clock.now();
  const failed = await deps.db.withTransaction(async (tx) => {
    const test = await lineTestState(tx);
    if (!test || test.status !== 'calling' || new Date(test.startedAt).getTime() + LINE_TEST_WAIT_MS > now.getTime())
      return undefined;
    const done: LineTest = {
      ...test,
      status: 'failed',
      why: 'the incoming-call webhook did not see it within 2 minutes',
    };
    await pageFailure(deps, tx, done, now);
    return done;
  });
  if (failed) deps.onOutbox();
  return failed;
}

/** Whether a call to the helpdesk comes from the organisation's test number. */
export const isLineTestCall = (org: Organisation, from: string | undefined) =>
  Boolean(org.selfTest && from && callerIdOf(from, org.country) === org.selfTest.from);

/** Changes the current test in one transaction; `change` answers undefined to leave it as it is. */
async function update(db: Database, clock: Clock, change: (test: LineTest) => LineTest | undefined): Promise<void> {
  const now = clock.now();
  await db.withTransaction(async (tx) => {
    const test = await lineTestState(tx);
    const changed = test && change(test);
    if (changed) await save(tx, changed, now);
  });
}

/**
 * The line works when both ends of the test are seen: the call the test placed was answered (its own
 * SID), and the incoming-call webhook saw a call from the test number. Caller ID alone can be anyone's
 * stray or late request; a test that has failed stays failed.
 */
const judged = (test: LineTest, now: Date): LineTest =>
  test.legAnswered && test.reached
    ? { ...test, status: 'seen', seenAt: test.seenAt ?? now.toISOString(), why: undefined }
    : test;

/** A call from the test number reached the greeting or the menu (the same SID as the placed call counts as its answer too). */
export async function lineTestSeen(
  db: Database,
  clock: Clock,
  reached: 'greeting' | 'menu',
  callSid: string | undefined,
): Promise<void> {
  await update(db, clock, (test) => {
    if (test.status === 'failed') return undefined;
    const answered = test.legAnswered || Boolean(callSid && callSid === test.callSid);
    const furthest = test.reached === 'menu' ? 'menu' : reached;
    return judged({ ...test, reached: furthest, legAnswered: answered }, clock.now());
  });
}

/** Twilio asks for the TwiML of the call the test placed: the helpdesk number answered it. It then waits on the line. */
export async function lineTestLeg(deps: { db: Database; clock: Clock }, step: CallStep): Promise<string> {
  const callSid = step.callSid;
  await update(deps.db, deps.clock, (test) => {
    if (test.status === 'failed' || test.id !== step.query.test || !callSid) return undefined;
    // The SID is known once Twilio has answered the request that placed the call (it may ask for the TwiML first).
    if (test.callSid && test.callSid !== callSid) return undefined;
    return judged({ ...test, callSid, legAnswered: true }, deps.clock.now());
  });
  return '<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="40"/><Hangup/></Response>';
}
