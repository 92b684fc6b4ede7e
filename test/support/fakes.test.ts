import { LogLevel, WebClient } from '@slack/web-api';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startSlack, startSmtp } from './fake-mail-chat.js';
import { ACCOUNT_SID, AUTH_TOKEN, MESSAGING_SERVICE_SID, SENDER_POOL, startFakeTwilio } from './fake-twilio.js';
import { postTwilioWebhook, startService, stopServices } from './service-process.js';

// The stand-ins misbehave at the wire, as seen by the real SDKs the service uses.
const TO = '+13125550101';
const FROM = '+12817684800';

const fake = await startFakeTwilio();
const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { autoRetry: false, timeout: 300 });
client.api.baseUrl = fake.url;
const smtp = await startSmtp();
const slack = await startSlack();
const chat = new WebClient('xoxb-test', {
  slackApiUrl: slack.env.SLACK_API_URL,
  retryConfig: { retries: 0 },
  timeout: 300,
  logLevel: LogLevel.ERROR, // the timeouts below are intended
});
afterAll(async () => {
  await Promise.all([fake.close(), smtp.close(), slack.close(), stopServices()]);
});

describe('fake Twilio faults', () => {
  it('holds an accepted message: the create times out, yet the message is listed', async () => {
    fake.fault = (kind) => (kind === 'message' ? { mode: 'hold' } : undefined);
    await expect(client.messages.create({ to: TO, from: FROM, body: 'held page' })).rejects.toThrow();
    fake.fault = undefined;
    const listed = await client.messages.list({ to: TO, from: FROM, limit: 20 });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      sid: fake.messages[0]!.sid,
      body: 'held page',
      status: 'queued',
      dateSent: null,
    });
    expect(listed[0]!.dateCreated).toBeInstanceOf(Date);
    expect(fake.listRequests.at(-1)).toMatchObject({
      resource: 'Messages',
      query: { To: TO, From: FROM, PageSize: '20' },
    });
    await vi.waitFor(() => expect(fake.held).toBe(0)); // the client gave up and closed its socket
  });

  it('drops a message before storing it, or after', async () => {
    fake.messages.length = 0;
    fake.fault = (kind) => (kind === 'message' ? { mode: 'drop-before' } : undefined);
    await expect(client.messages.create({ to: TO, from: FROM, body: 'lost' })).rejects.toThrow();
    expect(fake.messages).toHaveLength(0);
    expect(await client.messages.list({ to: TO, limit: 20 })).toHaveLength(0);
    fake.fault = (kind) => (kind === 'message' ? { mode: 'drop-after' } : undefined);
    await expect(client.messages.create({ to: TO, from: FROM, body: 'sent, unheard' })).rejects.toThrow();
    fake.fault = undefined;
    expect((await client.messages.list({ to: TO, limit: 20 })).map((m) => m.body)).toEqual(['sent, unheard']);
  });

  it('lists calls newest first, filtered by To, and pages them', async () => {
    fake.fault = (kind) => (kind === 'call' ? { mode: 'delay', ms: 20 } : undefined);
    for (const to of [TO, '+13125550102', TO])
      await client.calls.create({ to, from: FROM, url: 'https://x.test/twiml' });
    fake.fault = undefined;
    const calls = await client.calls.list({ to: TO, limit: 20, pageSize: 1 });
    expect(calls.map((c) => c.sid)).toEqual(
      fake.calls
        .filter((c) => c.to === TO)
        .map((c) => c.sid)
        .reverse(),
    );
    expect(calls[0]).toMatchObject({ status: 'queued', startTime: null });
  });

  it('streams large audio, breaks it mid-body, and counts streams the client abandoned', async () => {
    fake.audio.bytes = 256 * 1024;
    const headers = { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` };
    const audioUrl = `${fake.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/RE0001.mp3`;
    expect((await (await fetch(audioUrl, { headers })).arrayBuffer()).byteLength).toBe(256 * 1024);

    fake.fault = (kind) => (kind === 'audio' ? { mode: 'break-after', bytes: 64 * 1024 } : undefined);
    const broken = await fetch(audioUrl, { headers });
    await expect(broken.arrayBuffer()).rejects.toThrow();

    fake.fault = (kind) => (kind === 'audio' ? { mode: 'hold' } : undefined);
    const viewer = new AbortController();
    const held = await fetch(audioUrl, { headers, signal: viewer.signal });
    await held.body!.getReader().read();
    viewer.abort();
    await vi.waitFor(() => expect(fake.audioAborted).toBe(1)); // the broken stream was the fake's doing, not counted
    fake.fault = undefined;
    fake.audio.bytes = 0;
  });

  it('sends a text created with a Messaging Service from a pool number, the same one for each recipient', async () => {
    fake.messages.length = 0;
    const other = '+13125550199';
    const created = await client.messages.create({
      to: TO,
      messagingServiceSid: MESSAGING_SERVICE_SID,
      body: 'pooled',
    });
    // As Twilio answers: accepted, no sender picked yet.
    expect(created).toMatchObject({ status: 'accepted', from: null, messagingServiceSid: MESSAGING_SERVICE_SID });
    await client.messages.create({ to: other, messagingServiceSid: MESSAGING_SERVICE_SID, body: 'pooled too' });
    await client.messages.create({ to: TO, messagingServiceSid: MESSAGING_SERVICE_SID, body: 'pooled again' });
    await client.messages.create({ to: TO, from: FROM, body: 'from the helpdesk' });
    const [first, second, third] = fake.messages;
    expect(SENDER_POOL).toContain(first!.from);
    expect(SENDER_POOL).toContain(second!.from);
    expect(second!.from).not.toBe(first!.from);
    expect(third!.from).toBe(first!.from); // sticky sender
    expect(first!.messagingServiceSid).toBe(MESSAGING_SERVICE_SID);
    expect(first!.requestedFrom).toBeUndefined();

    // Lists filter on the number a text went from: the helpdesk number finds only its own text.
    const fromHelpdesk = await client.messages.list({ to: TO, from: FROM, limit: 20 });
    expect(fromHelpdesk.map((m) => m.body)).toEqual(['from the helpdesk']);
    const toRecipient = await client.messages.list({ to: TO, limit: 20 });
    expect(toRecipient.map((m) => [m.body, m.from, m.status])).toEqual([
      ['from the helpdesk', FROM, 'queued'],
      ['pooled again', first!.from, 'queued'],
      ['pooled', first!.from, 'queued'],
    ]);
    expect(toRecipient[2]!.messagingServiceSid).toBe(MESSAGING_SERVICE_SID);
    expect(toRecipient[0]!.messagingServiceSid).not.toBe(MESSAGING_SERVICE_SID); // Twilio's default service
    // A queued text has no date_sent yet, so a DateSent filter leaves it out.
    expect(await client.messages.list({ to: TO, dateSentAfter: new Date(Date.now() - 3600_000), limit: 20 })).toEqual(
      [],
    );
    await expect(client.messages.create({ to: TO, body: 'from nowhere' })).rejects.toMatchObject({ code: 21603 });
  });
});

describe('fake Slack faults', () => {
  const metadata = { event_type: 'switchboard_page', event_payload: { outboxId: 7 } };

  it('returns a post’s metadata from conversations.history only when asked for it', async () => {
    const posted = await chat.chat.postMessage({ channel: 'C0EMERGENCY', text: 'TK-1 emergency', metadata });
    expect((await chat.auth.test()).ok).toBe(true);
    const all = await chat.conversations.history({ channel: 'C0EMERGENCY', include_all_metadata: true, limit: 10 });
    expect(all.messages?.[0]).toMatchObject({ ts: posted.ts, text: 'TK-1 emergency', metadata });
    const plain = await chat.conversations.history({ channel: 'C0EMERGENCY' });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    expect((await chat.conversations.history({ channel: 'C0EMERGENCY', oldest: posted.ts })).messages).toHaveLength(0);
  });

  it('stores a hung post although the client never hears back; answers 503 when down; hangs everything', async () => {
    slack.state.hangPosts = true;
    await expect(chat.chat.postMessage({ channel: 'C0EMERGENCY', text: 'unheard', metadata })).rejects.toThrow();
    slack.state.hangPosts = false;
    const history = await chat.conversations.history({ channel: 'C0EMERGENCY', include_all_metadata: true });
    expect(history.messages?.[0]).toMatchObject({ text: 'unheard', metadata });

    slack.state.down = true;
    await expect(chat.chat.postMessage({ channel: 'C0EMERGENCY', text: 'refused' })).rejects.toThrow(/503/);
    slack.state.down = false;
    slack.state.hang = true;
    await expect(chat.auth.test()).rejects.toThrow();
    slack.state.hang = false;
    expect(slack.posts.C0EMERGENCY!.map((p) => p.text)).toEqual(['TK-1 emergency', 'unheard']);
  });
});

describe('fake SMTP faults', () => {
  it('stalls a mail after its DATA: the send does not resolve', async () => {
    const port = Number(new URL(smtp.env.SMTP_URL).port);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    smtp.state.stall = true;
    const sending = transport.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'Page', text: 'TK-1' });
    sending.catch(() => {}); // ends with the connection when the fake closes
    const outcome = await Promise.race([
      sending.then(() => 'sent'),
      new Promise((r) => setTimeout(r, 400, 'still waiting')),
    ]);
    expect(outcome).toBe('still waiting');
    expect(smtp.stalled).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0);
    smtp.state.stall = false;
    transport.close();
  });
});

describe('the service as a child process', () => {
  it('starts with no settings, dies on SIGKILL, restarts on the same database and takes signed webhooks', async () => {
    const service = await startService();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const firstPid = service.pid;
    expect(await service.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    await service.restart({ ...fake.env });
    expect(service.pid).not.toBe(firstPid);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    await service.waitForLog('Switchboard is listening');
    const call = { CallSid: 'CA0000000000000000000000000000c0de', From: TO, To: FROM, CallStatus: 'ringing' };
    expect((await postTwilioWebhook(service, '/twilio/voice', call)).status).toBe(200);
    expect((await postTwilioWebhook(service, '/twilio/voice', call, 'wrong-token')).status).toBe(403);
  });
});
