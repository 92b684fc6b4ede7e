import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { calls, ticketEvents, tickets } from '../../src/db/schema.js';
import { pageForgottenLiveCalls } from '../../src/ivr/index.js';
import { auth } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { Caller, twilioPost } from '../support/phone.js';
import { ACME_PHONE, BETA_PHONE, seedClients } from '../support/seed.js';
import { parseTwiml, spoken, type Verb } from '../support/twiml.js';

const ERIN = '+15550200001';
const ALAN = '+15550200002';
const ED = '+15550200003';
const HELPDESK = '+12817684800';

// Live connect for the organisation; the network line has it off. Software: Erin on call, Alan its
// architect. Network operations: Ed on call.
const organisation = organisationFrom(undefined, (doc) => {
  doc.emergency = { live_connect: true };
  doc.service_lines = [
    {
      id: 'software',
      name: 'Software support',
      on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' },
      architects: ['alan'],
    },
    {
      id: 'noc',
      name: 'Network operations',
      on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' },
      architects: [],
      live_connect: false,
    },
  ];
});

let legs = 0;

/** The engineer's phone, as Twilio drives the <Dial>'s leg: the <Number url> whisper, then a key. */
class EngineerLeg {
  readonly callSid = `CA${String(++legs).padStart(4, '0')}${'e'.repeat(28)}`;
  verbs: Verb[] = [];
  constructor(
    private readonly app: Parameters<typeof twilioPost>[0],
    private readonly number: Verb,
    private readonly parentSid: string,
  ) {}

  get heard() {
    return spoken(this.verbs);
  }

  private async post(url: string, params: Record<string, string>) {
    const res = await twilioPost(this.app, url, {
      CallSid: this.callSid,
      ParentCallSid: this.parentSid,
      From: HELPDESK,
      To: this.number.text,
      Direction: 'outbound-dial',
      ...params,
    });
    expect(res.status).toBe(200);
    this.verbs = parseTwiml(res.text);
  }

  answer(answeredBy = 'human') {
    return this.post(this.number.attrs.url!, { CallStatus: 'in-progress', AnsweredBy: answeredBy });
  }

  press(digits: string) {
    const gather = this.verbs.find((v) => v.verb === 'Gather');
    if (!gather) throw new Error(`no <Gather> on the engineer's leg; heard: ${this.heard}`);
    return this.post(gather.attrs.action!, { Digits: digits });
  }
}

/** The <Dial> the caller was given: the one number rung, with its whisper. */
function dialOf(caller: Caller) {
  const dial = caller.verbs.find((v) => v.verb === 'Dial');
  if (!dial) throw new Error(`the caller was not put through; heard: ${caller.heard}`);
  return { dial, number: dial.children.find((c) => c.verb === 'Number')! };
}

/** Twilio's request to the <Dial> action when the engineer's leg has ended. */
async function dialEnded(h: { app: Parameters<typeof twilioPost>[0] }, caller: Caller, form: Record<string, string>) {
  const { dial } = dialOf(caller);
  const res = await twilioPost(h.app, dial.attrs.action!, {
    CallSid: caller.callSid,
    From: caller.from,
    To: HELPDESK,
    CallStatus: 'in-progress',
    ...form,
  });
  expect(res.status).toBe(200);
  caller.verbs = parseTwiml(res.text);
}

describe('live connect: the on-call engineer is rung first, and must press 1', async () => {
  const h = await pagingHarness({ organisation });
  await seedClients(h.app);
  const emergencyTexts = () => h.twilio.messages.filter((m) => /^(EMERGENCY|ESCALATED)/.test(m.body));
  const ticketOf = async (callSid: string) => {
    const [call] = await h.db.q.select().from(calls).where(eq(calls.callSid, callSid));
    return { call: call!, ticket: (await h.db.q.select().from(tickets).where(eq(tickets.id, call!.ticketId!)))[0]! };
  };

  /** A caller who dials and presses `keys` in turn (5, a support code or none, the line...). */
  const calling = async (from: string, ...keys: string[]) => {
    const caller = new Caller(h.app, from);
    await caller.dial();
    for (const key of keys) await caller.press(key);
    return caller;
  };

  it('puts the caller through from the helpdesk number; 1 takes the ticket and nobody is paged', async () => {
    h.twilio.messages.length = 0;
    const caller = await calling(ACME_PHONE, '5', '1'); // Software support
    expect(caller.heard).toBe('Please hold while we connect you to the on-call engineer.');
    const { dial, number } = dialOf(caller);
    expect(dial.attrs.callerId).toBe(HELPDESK);
    expect(number.text).toBe(ERIN);
    expect(number.attrs.machineDetection).toBe('Enable');

    const { ticket } = await ticketOf(caller.callSid);
    const erin = new EngineerLeg(h.app, number, caller.callSid);
    await erin.answer();
    const digits = String(ticket.number).split('').join(' ');
    expect(erin.heard).toContain(
      `Emergency call from Acme Dental, ticket ${digits}, for Omnipotech. To accept and be connected, press 1.`,
    );
    await erin.press('1');
    expect(erin.heard).toBe(`Accepted. Ticket ${digits} is yours. Connecting you now.`);
    // Nothing after the words: Twilio connects the two.
    expect(erin.verbs.map((v) => v.verb)).toEqual(['Say']);

    await dialEnded(h, caller, { DialCallStatus: 'completed', DialCallDuration: '95', DialCallSid: erin.callSid });
    // Still on the line only if Erin hung up first: the caller hears their ticket number.
    expect(caller.heard).toBe(`The engineer has left the call. Your ticket number is ${digits}. Goodbye.`);
    expect(caller.verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    await caller.hangUp();
    await h.settle();

    const after = await ticketOf(caller.callSid);
    expect(after.ticket.acknowledgedBy).toBe('erin');
    expect(after.ticket.line).toBe('software');
    expect(after.call.outcome).toBe('bridged');
    expect(after.call.ratePeriod).toBe('after_hours');
    expect(emergencyTexts()).toEqual([]);
    const events = await h.db.q.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.find((e) => e.type === 'acknowledged')).toMatchObject({ actor: 'erin', detail: { via: 'phone' } });
    expect(events.find((e) => e.type === 'note')?.detail).toMatchObject({ seconds: 95 });
    // Billed as a bridged call (the talk with the engineer) and an acknowledgement, at the after-hours rate.
    const billed = await request(h.app).get('/api/billing/events?from=2026-11-23&to=2026-11-23').set(auth).expect(200);
    expect(
      billed.body
        .filter((b: { ticket: string | null }) => b.ticket === `TK-${ticket.number}`)
        .map((b: { type: string; ratePeriod: string }) => [b.type, b.ratePeriod])
        .sort(),
    ).toEqual([
      ['acknowledgement', 'after_hours'],
      ['bridged_call', 'after_hours'],
    ]);
  });

  it('tells an engineer who presses 1 that someone else has taken the ticket meanwhile, and still connects them', async () => {
    const caller = await calling('+13125550666', '5', '', '1');
    const { ticket } = await ticketOf(caller.callSid);
    const erin = new EngineerLeg(h.app, dialOf(caller).number, caller.callSid);
    await erin.answer();
    // While Erin listens to the whisper, Alan takes the ticket.
    await request(h.app).post(`/api/tickets/${ticket.number}/ack`).set(auth).send({ staffId: 'alan' }).expect(200);
    await erin.press('1');
    const digits = String(ticket.number).split('').join(' ');
    expect(erin.heard).toBe(`Ticket ${digits} is already with Alan Architect. Connecting you now.`);
    expect(erin.verbs.map((v) => v.verb)).toEqual(['Say']);
    await dialEnded(h, caller, { DialCallStatus: 'completed', DialCallDuration: '40', DialCallSid: erin.callSid });
    const after = await ticketOf(caller.callSid);
    expect(after.ticket.acknowledgedBy).toBe('alan');
    expect(after.call.outcome).toBe('bridged');
    const events = await h.db.q.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.filter((e) => e.type === 'acknowledged').map((e) => e.actor)).toEqual(['alan']);
  });

  it('does not put an engineer through to a ticket closed meanwhile: the caller leaves a message instead', async () => {
    const caller = await calling('+13125550667', '5', '', '1');
    const { ticket } = await ticketOf(caller.callSid);
    const erin = new EngineerLeg(h.app, dialOf(caller).number, caller.callSid);
    await erin.answer();
    await request(h.app)
      .patch(`/api/tickets/${ticket.number}`)
      .set(auth)
      .send({ staffId: 'alan', status: 'resolved' })
      .expect(200);
    await erin.press('1');
    const digits = String(ticket.number).split('').join(' ');
    expect(erin.heard).toBe(`Ticket ${digits} has been closed. The caller will leave a message. Goodbye.`);
    expect(erin.verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    expect((await ticketOf(caller.callSid)).call.outcome).not.toBe('bridged');
    await dialEnded(h, caller, { DialCallStatus: 'completed', DialCallDuration: '9', DialCallSid: erin.callSid });
    expect(caller.recordVerb).toBeDefined();
  });

  it('never lets an answering machine accept: the caller leaves a voicemail and everyone is paged about the same ticket', async () => {
    h.twilio.messages.length = 0;
    const caller = await calling(BETA_PHONE, '5', '1');
    const { number } = dialOf(caller);
    const { ticket } = await ticketOf(caller.callSid);
    const machine = new EngineerLeg(h.app, number, caller.callSid);
    await machine.answer('machine_end_beep');
    expect(machine.verbs.map((v) => v.verb)).toEqual(['Hangup']);
    await h.settle();
    expect(emergencyTexts()).toEqual([]);

    await dialEnded(h, caller, { DialCallStatus: 'completed', DialCallDuration: '3' });
    expect(caller.heard).toMatch(
      /^The on-call engineer could not take your call right now\. Please describe the emergency/,
    );
    await caller.leaveVoicemail(20);
    expect(caller.heard).toContain(`Your ticket number is ${String(ticket.number).split('').join(' ')}.`);
    await h.settle();

    const paged = emergencyTexts();
    expect(paged.map((m) => m.to).sort()).toEqual([ALAN, ERIN].sort());
    for (const m of paged) {
      expect(m.body).toMatch(new RegExp(`^EMERGENCY TK-${ticket.number}: Beta Bakery`));
      expect(m.body).toContain('Hear it: ');
    }
    const after = await ticketOf(caller.callSid);
    expect(after.ticket.id).toBe(ticket.id);
    expect(after.ticket.acknowledgedBy).toBeNull();
    expect(await h.db.q.select().from(tickets).where(eq(tickets.clientId, ticket.clientId!))).toHaveLength(1);
  });

  it('says the key an engineer pressed when it is not 1, and goes on to the voicemail path', async () => {
    h.twilio.messages.length = 0;
    const caller = await calling('+13125550111', '5', '', '1'); // no support code
    const erin = new EngineerLeg(h.app, dialOf(caller).number, caller.callSid);
    await erin.answer();
    expect(erin.heard).toContain('Emergency call from an unidentified caller');
    await erin.press('2');
    expect(erin.heard).toBe(
      'You pressed 2. That does not take the ticket. Not accepted. The caller will leave a message and everyone on call will be paged. Goodbye.',
    );
    await dialEnded(h, caller, { DialCallStatus: 'no-answer' });
    await caller.leaveVoicemail(15);
    await h.settle();
    expect(
      emergencyTexts()
        .map((m) => m.to)
        .sort(),
    ).toEqual([ALAN, ERIN].sort());
  });

  it('pages everyone at once when the caller hangs up while the engineer’s phone rings, and once only', async () => {
    h.twilio.messages.length = 0;
    const caller = await calling('+13125550222', '5', '', '1');
    const { ticket } = await ticketOf(caller.callSid);
    await caller.hangUp();
    await h.settle();
    const paged = emergencyTexts();
    // Twilio may report the end twice, and asks the <Dial> action too: nothing more is sent.
    await caller.hangUp();
    await dialEnded(h, caller, { DialCallStatus: 'canceled', CallStatus: 'completed' });
    await h.settle();
    expect(emergencyTexts()).toHaveLength(paged.length);
    expect(paged.map((m) => m.to).sort()).toEqual([ALAN, ERIN].sort());
    expect(paged[0]!.body).toMatch(new RegExp(`^EMERGENCY TK-${ticket.number}: .* from \\+13125550222`));
    expect(paged[0]!.body).not.toContain('Hear it');
    // The caller, who never heard a ticket number, is texted it.
    expect(h.twilio.messages.filter((m) => m.to === '+13125550222').map((m) => m.body)).toEqual([
      `Omnipotech: we have your emergency call. Your ticket is TK-${ticket.number}; the on-call engineer has been alerted and will call you back.`,
    ]);
  });

  it('pages a live call whose end Twilio never reported, once it is ten minutes old', async () => {
    h.twilio.messages.length = 0;
    const caller = await calling('+13125550444', '5', '', '1');
    const { ticket } = await ticketOf(caller.callSid);
    h.clock.advance(9 * 60_000);
    expect(await pageForgottenLiveCalls(h.services.tickets)).toBe(0);
    h.clock.advance(2 * 60_000);
    expect(await pageForgottenLiveCalls(h.services.tickets)).toBe(1);
    expect(await pageForgottenLiveCalls(h.services.tickets)).toBe(0);
    await h.settle();
    expect(
      emergencyTexts()
        .filter((m) => m.body.startsWith(`EMERGENCY TK-${ticket.number}:`))
        .map((m) => m.to)
        .sort(),
    ).toEqual([ALAN, ERIN].sort());
  });

  it('pages a caller who hangs up at the voicemail prompt once the recording has had time to come, and sends a late one’s link', async () => {
    h.twilio.messages.length = 0;
    const caller = await calling('+13125550555', '5', '', '1');
    const { ticket } = await ticketOf(caller.callSid);
    await dialEnded(h, caller, { DialCallStatus: 'no-answer' });
    expect(caller.recordVerb).toBeDefined();
    await caller.hangUp(); // before the tone
    await h.settle();
    const mine = () => emergencyTexts().filter((m) => m.body.includes(`TK-${ticket.number}:`));
    expect(mine()).toEqual([]); // its recording may still be on its way
    h.clock.advance(60_000);
    expect(await pageForgottenLiveCalls(h.services.tickets)).toBe(0);
    h.clock.advance(31_000);
    expect(await pageForgottenLiveCalls(h.services.tickets)).toBe(1);
    await h.settle();
    expect(
      mine()
        .map((m) => m.to)
        .sort(),
    ).toEqual([ALAN, ERIN].sort());
    expect(mine()[0]!.body).not.toContain('Hear it');

    // The recording turns up after all (Twilio's status callback was late): everyone paged gets its link.
    const sid = `RE${caller.callSid.slice(-30)}99`;
    await twilioPost(h.app, caller.recordVerb.attrs.recordingStatusCallback!, {
      CallSid: caller.callSid,
      RecordingSid: sid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/${sid}`,
      RecordingDuration: '14',
      RecordingStatus: 'completed',
    }).expect(200);
    await h.settle();
    const late = mine().filter((m) => m.body.includes('Hear it'));
    expect(late.map((m) => m.to).sort()).toEqual([ALAN, ERIN].sort());
    expect(late[0]!.body).toMatch(new RegExp(`^ESCALATED TK-${ticket.number}:`));
  });

  it('escalates a caller’s open emergency, once, when they ring again and hang up before being put through', async () => {
    const caller = await calling(ACME_PHONE, '5', '1'); // Acme's emergency, taken by Erin in the first test
    const { ticket } = await ticketOf(caller.callSid);
    expect(ticket.acknowledgedBy).toBe('erin');
    h.twilio.messages.length = 0;
    await caller.hangUp();
    await caller.hangUp();
    await h.settle();
    const escalated = h.twilio.messages.filter((m) => m.body.startsWith(`ESCALATED TK-${ticket.number}:`));
    expect(escalated.map((m) => m.to).sort()).toEqual([ALAN, ERIN].sort());
  });

  it('leaves a line without live connect on today’s voicemail path', async () => {
    const caller = await calling('+13125550333', '5', '', '2'); // Network operations
    expect(caller.verbs.some((v) => v.verb === 'Dial')).toBe(false);
    expect(caller.recordVerb).toBeDefined();
    h.twilio.messages.length = 0;
    await caller.leaveVoicemail(15);
    await h.settle();
    expect(emergencyTexts().map((m) => m.to)).toEqual([ED]);
  });
});
