import { describe, expect, it, vi } from 'vitest';
import { tickets, voicemails } from '../../src/db/schema.js';
import { workOnTranscripts } from '../../src/ivr/index.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { Caller, twilioPost } from '../support/phone.js';

const SERVICE = `GA${'0123456789abcdef'.repeat(2)}`;
const WORDS = ['Il server dei file è fermo.', 'Nessuno in ufficio può lavorare.'];

/** An emergency voicemail from an unknown number; answers the <Record> verb the caller was given. */
async function emergency(app: Parameters<typeof twilioPost>[0], from: string) {
  const caller = new Caller(app, from);
  await caller.dial();
  await caller.press('5');
  await caller.press('');
  const record = caller.recordVerb;
  const { sid } = await caller.leaveVoicemail(150);
  return { record, sid };
}

describe('transcription in the caller’s language, by a Conversational Intelligence service', async () => {
  const h = await pagingHarness({
    env: { TWILIO_INTELLIGENCE_SERVICE_SID: SERVICE },
    organisation: organisationFrom(undefined, (doc) => {
      doc.organization.language = 'it-IT';
    }),
  });
  const texts = (words: string) => h.twilio.messages.filter((m) => m.body.includes(words));

  it('asks the service for a transcript of the recording, pages without waiting, and brings its words once', async () => {
    const { record, sid } = await emergency(h.app, '+13125550801');
    // No English transcription is asked of Twilio for an Italian caller.
    expect(record.attrs.transcribe).toBeUndefined();
    expect(record.attrs.transcribeCallback).toBeUndefined();
    await vi.waitFor(() => expect(h.twilio.transcripts).toHaveLength(1));
    const asked = h.twilio.transcripts[0]!;
    expect(asked).toMatchObject({ serviceSid: SERVICE, sourceSid: sid, customerKey: sid, status: 'queued' });

    // The pages went out on the recording, before any words.
    await h.settle();
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;
    const pages = h.twilio.messages.filter((m) => m.body.startsWith(`EMERGENCY TK-${ticket.number}`));
    expect(pages.length).toBeGreaterThan(0);
    expect(ticket.transcription).toBeNull();

    // Twilio finishes and calls back; the words reach the ticket and everyone paged.
    asked.status = 'completed';
    asked.sentences = WORDS;
    for (let i = 0; i < 2; i++)
      await twilioPost(h.app, '/twilio/voice/transcript', {
        transcript_sid: asked.sid,
        event_type: 'voice_intelligence_transcript_available',
      }).expect(200);
    await h.settle();
    const after = (await h.db.q.select().from(tickets)).at(-1)!;
    expect(after.transcription).toBe(WORDS.join(' '));
    const told = texts(WORDS[0]!);
    expect(told.map((m) => m.to).sort()).toEqual(pages.map((m) => m.to).sort());
    // A later look (the minute job) changes nothing.
    h.clock.advance(2 * 60_000);
    await workOnTranscripts(h.services.ivr);
    await h.settle();
    expect(texts(WORDS[0]!)).toHaveLength(told.length);
  });

  it('reads a finished transcript at the next look when no callback comes, and asks again after a failed request', async () => {
    h.twilio.failWith = undefined;
    const before = h.twilio.transcripts.length;
    // Twilio refuses the first request (an outage): nothing is asked, and the page still goes out.
    const refuse = h.twilio.fault;
    h.twilio.fault = (kind, _form, path) =>
      path === '/v2/Transcripts' ? { mode: 'drop-before' } : refuse?.(kind, _form, path);
    const { sid } = await emergency(h.app, '+13125550802');
    await h.settle();
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;
    expect(h.twilio.messages.some((m) => m.body.startsWith(`EMERGENCY TK-${ticket.number}`))).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.twilio.transcripts).toHaveLength(before);
    h.twilio.fault = refuse;

    h.clock.advance(11 * 60_000);
    await workOnTranscripts(h.services.ivr);
    expect(h.twilio.transcripts).toHaveLength(before + 1);
    const asked = h.twilio.transcripts.at(-1)!;
    expect(asked.sourceSid).toBe(sid);
    asked.status = 'completed';
    asked.sentences = ['La stampante brucia.'];
    h.clock.advance(2 * 60_000);
    await workOnTranscripts(h.services.ivr);
    await h.settle();
    const [voicemail] = (await h.db.q.select().from(voicemails)).filter((v) => v.recordingSid === sid);
    expect(voicemail!.transcription).toBe('La stampante brucia.');
    expect(texts('La stampante brucia.').length).toBeGreaterThan(0);
  });
});

describe('without a speech service', () => {
  it('never asks Twilio for an English transcription of an Italian organisation', async () => {
    const h = await pagingHarness({
      organisation: organisationFrom(undefined, (doc) => {
        doc.organization.language = 'it-IT';
        doc.emergency = { ...doc.emergency, max_recording: '60s' };
      }),
    });
    const { record } = await emergency(h.app, '+13125550803');
    expect(record.attrs.transcribe).toBeUndefined();
  });

  it('asks Twilio to transcribe an English voicemail only when it can be at most 120 s long', async () => {
    const short = await pagingHarness({
      organisation: organisationFrom(undefined, (doc) => {
        doc.emergency = { ...doc.emergency, max_recording: '120s' };
      }),
    });
    const { record } = await emergency(short.app, '+13125550804');
    expect(record.attrs).toMatchObject({ transcribe: 'true', maxLength: '120' });
    expect(record.attrs.transcribeCallback).toMatch(/\/twilio\/voice\/transcription/);

    const long = await pagingHarness({
      organisation: organisationFrom(undefined, (doc) => {
        doc.emergency = { ...doc.emergency, max_recording: '180s' };
      }),
    });
    expect((await emergency(long.app, '+13125550805')).record.attrs.transcribe).toBeUndefined();
  });
});
