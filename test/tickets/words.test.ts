import { describe, expect, it } from 'vitest';
import { escalationStep } from '../../src/paging/index.js';
import { ANSWER_CHANNELS, answerWords, type StaffAnswer } from '../../src/tickets/index.js';

/** The renderers and the escalation step as plain functions: no database, no HTTP. */
describe('one wording per outcome, for every channel', () => {
  it('says who has a ticket the same way on the link page, Slack, the API and in a text, a text adding its next command', () => {
    const taken: StaffAnswer = { kind: 'acknowledged', number: 1042 };
    for (const via of ['link', 'slack', 'api'] as const)
      expect(answerWords(taken, via, 'Omnipotech')).toBe('TK-1042 is yours. Everyone else paged has been told.');
    expect(answerWords(taken, 'sms', 'Omnipotech')).toBe(
      'TK-1042 is yours. Everyone else paged has been told. Reply CALL 1042 to be connected to the caller from the helpdesk number.',
    );
    for (const via of ANSWER_CHANNELS)
      expect(answerWords({ kind: 'already', number: 1042, by: 'Alan Architect' }, via, 'Omnipotech')).toBe(
        'TK-1042 was already taken by Alan Architect.',
      );
  });

  it('asks only a text to reply YES to a ticket someone else was paged about', () => {
    const offered: StaffAnswer = { kind: 'offered', number: 1042, whose: 'paged to Erin Engineer, caller Acme Dental' };
    expect(answerWords(offered, 'sms', 'Omnipotech')).toBe(
      'TK-1042 is paged to Erin Engineer, caller Acme Dental. To take it anyway, reply YES 1042.',
    );
    expect(answerWords(offered, 'link', 'Omnipotech')).toBe('TK-1042 is paged to Erin Engineer, caller Acme Dental.');
  });

  it('names at most ten tickets an ACK ALL would take, then how many more', () => {
    const numbers = Array.from({ length: 12 }, (_, i) => 1001 + i);
    expect(answerWords({ kind: 'ack_all_asked', numbers }, 'sms', 'Omnipotech')).toBe(
      'ACK ALL would take 12 emergencies: TK-1001, TK-1002, TK-1003, TK-1004, TK-1005, TK-1006, TK-1007, TK-1008, TK-1009, TK-1010 and 2 more. Reply YES within 2 minutes to take them all.',
    );
  });

  it('says there is no open ticket, with or without a number', () => {
    expect(answerWords({ kind: 'no_open_ticket', number: 7 }, 'slack', 'Omnipotech')).toBe(
      'There is no open ticket TK-7.',
    );
    expect(answerWords({ kind: 'no_open_ticket' }, 'slack', 'Omnipotech')).toBe('There is no open ticket.');
  });
});

describe('an escalation step', () => {
  const policy = { ackTimeoutMs: 10 * 60_000, repeat: 2 };
  const now = new Date('2026-11-24T09:00:00Z');

  it('pages everyone again and phones the on-call engineer, then phones the architects, each ack_timeout', () => {
    const first = escalationStep({ step: 0, unacknowledged: true }, policy, now);
    expect(first).toMatchObject({ kind: 'send', step: 1, label: 'paged again and phoned the on-call engineer' });
    expect(first.kind === 'send' && first.nextAt.toISOString()).toBe('2026-11-24T09:10:00.000Z');
    expect(escalationStep({ step: 1, unacknowledged: true }, policy, now)).toMatchObject({
      kind: 'send',
      label: 'phoned the architects',
      sends: [{ who: 'architects', channels: ['voice'] }],
    });
  });

  it('never runs out while nobody has taken the emergency: past every round, the architects are phoned again', () => {
    const late = escalationStep({ step: 40, unacknowledged: true }, policy, now);
    expect(late).toMatchObject({ kind: 'send', step: 41, label: 'phoned the architects' });
  });

  it('stops once someone has taken it', () => {
    expect(escalationStep({ step: 3, unacknowledged: false }, policy, now)).toEqual({
      kind: 'stop',
      why: 'acknowledged',
    });
  });
});
