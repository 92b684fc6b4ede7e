import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';
import { onSqlite } from '../support/db.js';
import { Caller, PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';

/** Another process writing to the same SQLite file holds its lock for `ms`. */
function holdLock(path: string, ms: number): Promise<void> {
  const other = new Database(path);
  other.exec('BEGIN IMMEDIATE');
  return new Promise((resolve) =>
    setTimeout(() => {
      other.exec('COMMIT');
      other.close();
      resolve();
    }, ms),
  );
}

async function readyToRecord(app: ConstructorParameters<typeof Caller>[0], from: string) {
  const caller = new Caller(app, from);
  await caller.dial();
  await caller.press('5');
  await caller.press('');
  return caller;
}

describe.skipIf(!onSqlite)('a database locked by another writer (two processes on one SQLite file)', async () => {
  it('waits for the lock without blocking the service, and every voicemail answered 2xx is a ticket', async () => {
    const { app, db, path } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
    const callers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => readyToRecord(app, `+1312555${String(1300 + i).padStart(4, '0')}`)),
    );
    const released = holdLock(path!, 1500);
    const started = Date.now();
    // How long the event loop is ever held while thirty webhooks wait for the lock.
    let last = Date.now();
    let longest = 0;
    const ticks = setInterval(() => {
      longest = Math.max(longest, Date.now() - last);
      last = Date.now();
    }, 5);
    const answers = await Promise.all(callers.map((c) => c.leaveVoicemail(20).then(() => c.heard)));
    clearInterval(ticks);
    await released;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(longest).toBeLessThan(500); // never seconds: the busy wait per statement is 20 ms, and retries take turns
    expect(answers.every((heard) => heard.includes('Your ticket number is'))).toBe(true);
    expect(await db.q.select().from(tickets)).toHaveLength(30);
  });

  it('answers a callback it could not save with 503 so Twilio retries, and asks a caller on the line to say it again', async () => {
    const { app, db, path } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
    const [a, b] = await Promise.all([readyToRecord(app, '+13125551401'), readyToRecord(app, '+13125551402')]);
    const record = a.recordVerb.attrs;
    expect(record.recordingStatusCallback).toMatch(/#rc=3&rp=ct,rt,5xx$/); // Twilio retries it on a 5xx
    const statusCallback = {
      RecordingSid: 'RE0000000000000000000000000000a401',
      RecordingStatus: 'completed',
      RecordingDuration: '20',
      CallSid: a.callSid,
    };
    const released = holdLock(path!, 9_000); // longer than a webhook waits (a few seconds; Twilio's limit is 15 s)
    const started = Date.now();
    const [status, heard] = await Promise.all([
      twilioPost(app, record.recordingStatusCallback!, statusCallback).then((res) => ({
        res,
        ms: Date.now() - started,
      })),
      b.leaveVoicemail(20).then(() => b.heard),
    ]);
    const answeredIn = Date.now() - started;
    expect(status.res.status).toBe(503);
    expect(status.ms).toBeLessThan(6_000);
    expect(answeredIn).toBeLessThan(6_000);
    expect(heard).toContain('we could not save your message. Please say it again after the tone');
    expect(b.recordVerb.attrs.action).toContain('try=2');
    expect(await db.q.select().from(tickets)).toHaveLength(0);
    await released;
    // Twilio's retry, and the caller's second try, now go through.
    await twilioPost(app, record.recordingStatusCallback!, statusCallback).expect(200);
    await b.leaveVoicemail(20);
    expect(b.heard).toContain('Your ticket number is');
    expect(await db.q.select().from(tickets)).toHaveLength(2);
  }, 30_000);
});
