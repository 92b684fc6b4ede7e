import { ticketLabel } from '../paging/index.js';

/** What staff ask of a ticket, whichever way they ask (a text, the link in a page, Slack). */
export type StaffCommand =
  | { kind: 'ack'; number?: number }
  | { kind: 'confirm'; number?: number }
  | { kind: 'ack_all' }
  | { kind: 'escalate'; number: number }
  | { kind: 'call'; number: number }
  | { kind: 'help' };

/** What came of it; each channel words it with answerWords. */
export type StaffAnswer =
  | { kind: 'help' }
  | { kind: 'acknowledged'; number: number }
  | { kind: 'acknowledged_all'; numbers: number[]; taken: { number: number; by: string }[] }
  | { kind: 'ack_all_asked'; numbers: number[] }
  | { kind: 'ack_all_lapsed' }
  | { kind: 'escalated_now'; number: number }
  | { kind: 'escalating_at'; number: number; at: string }
  | { kind: 'not_escalating'; number: number; by?: string }
  | { kind: 'escalate_refused'; number: number }
  | { kind: 'already'; number: number; by: string }
  | { kind: 'no_open_ticket'; number?: number }
  | { kind: 'offered'; number: number; whose: string }
  | { kind: 'confirm_which'; numbers: number[] }
  | { kind: 'ack_first'; number: number }
  | { kind: 'nothing_waiting' }
  | { kind: 'several_waiting'; numbers: number[] }
  | { kind: 'call_refused'; number: number }
  | { kind: 'no_caller_number'; number: number }
  | { kind: 'not_dialable'; number: number; countries: string[] }
  | { kind: 'calling'; number: number; phone: string }
  // What the text adapter itself answers, beside the commands' outcomes.
  | { kind: 'too_many'; limit: number; minutes: number; until: string }
  | { kind: 'calls_only' }
  | { kind: 'not_acted_on' };

/** Where an answer is read: a text to the helpdesk number, the page behind a link, Slack, or the API. */
export const ANSWER_CHANNELS = ['sms', 'link', 'slack', 'api'] as const;
export type AnswerChannel = (typeof ANSWER_CHANNELS)[number];

/** How long an ACK ALL question waits for its YES. */
export const ACK_ALL_MS = 2 * 60_000;

type Words<K extends StaffAnswer['kind']> = (
  a: Extract<StaffAnswer, { kind: K }>,
  via: AnswerChannel,
  org: string,
) => string;

/** Ticket labels: the first ten, then how many more. */
const labels = (numbers: number[]) =>
  numbers.length > 10
    ? `${numbers.slice(0, 10).map(ticketLabel).join(', ')} and ${numbers.length - 10} more`
    : numbers.map(ticketLabel).join(', ');
const minutes = (ms: number) => ms / 60_000;

/**
 * One wording per outcome, for every channel, in the same style as the paging notices' renderers: a
 * channel adds only what belongs to it (a text says which text to send next).
 */
const WORDS: { [K in StaffAnswer['kind']]: Words<K> } = {
  help: (_a, _via, org) =>
    `${org}: ACK 1042 takes ticket 1042; ACK ALL (then YES) takes every emergency paged to you; ESC 1042 escalates it to the next step now; CALL 1042 connects you to its caller from the helpdesk number; HELP lists these.`,
  acknowledged: (a, via) =>
    `${ticketLabel(a.number)} is yours. Everyone else paged has been told.${via === 'sms' ? ` Reply CALL ${a.number} to be connected to the caller from the helpdesk number.` : ''}`,
  acknowledged_all: (a) =>
    [
      a.numbers.length
        ? `${a.numbers.map(ticketLabel).join(', ')} ${a.numbers.length === 1 ? 'is' : 'are'} yours. The others have been told.`
        : '',
      ...a.taken.map((t) => `${ticketLabel(t.number)} was already taken by ${t.by}.`),
    ]
      .filter(Boolean)
      .join(' '),
  ack_all_asked: (a) =>
    `ACK ALL would take ${a.numbers.length} ${a.numbers.length === 1 ? 'emergency' : 'emergencies'}: ${labels(a.numbers)}. Reply YES within ${minutes(ACK_ALL_MS)} minutes to take them all.`,
  ack_all_lapsed: () =>
    `The ACK ALL question has lapsed (YES must come within ${minutes(ACK_ALL_MS)} minutes); nothing was taken. Send ACK ALL again.`,
  escalated_now: (a) => `${ticketLabel(a.number)}: escalated to the next step now.`,
  escalating_at: (a) => `${ticketLabel(a.number)}: the last step is still being answered; the next comes at ${a.at}.`,
  not_escalating: (a) =>
    a.by
      ? `${ticketLabel(a.number)} is with ${a.by}; it is not escalating.`
      : `${ticketLabel(a.number)} has no escalation running (it finished, or it was never an emergency).`,
  escalate_refused: (a) => `ESC is for the people paged about ${ticketLabel(a.number)} or on call.`,
  already: (a) => `${ticketLabel(a.number)} was already taken by ${a.by}.`,
  no_open_ticket: (a) => `There is no open ticket${a.number !== undefined ? ` ${ticketLabel(a.number)}` : ''}.`,
  offered: (a, via) =>
    `${ticketLabel(a.number)} is ${a.whose}.${via === 'sms' ? ` To take it anyway, reply YES ${a.number}.` : ''}`,
  confirm_which: (a) => `Reply YES and the ticket number: ${a.numbers.map(ticketLabel).join(', ')}.`,
  ack_first: (a) => `Reply ACK ${a.number} first.`,
  nothing_waiting: () => 'Nothing is waiting for you. To take a ticket, reply ACK and its number.',
  several_waiting: (a) =>
    `Several emergencies are waiting: ${a.numbers.map(ticketLabel).join(', ')}. Reply ACK and the number.`,
  call_refused: (a) =>
    `CALL is for the people paged about ${ticketLabel(a.number)} or on call. Take it first: ACK ${a.number}.`,
  no_caller_number: (a) => `${ticketLabel(a.number)} has no caller number to call back.`,
  not_dialable: (a) =>
    `${ticketLabel(a.number)}'s caller number is not one Switchboard may dial (outside ${a.countries.join(', ')}, or premium-rate). Call from a desk phone if it is genuine.`,
  calling: (a) =>
    `Calling you now from the helpdesk number; answer and you will be connected to ${a.phone} for ${ticketLabel(a.number)}.`,
  too_many: (a) =>
    `Too many texts from this number: Switchboard acts on ${a.limit} every ${a.minutes} minutes, and on none of the rest. Until ${a.until}, take tickets by the link in the page, on Slack or on the escalation's call.`,
  calls_only: (_a, _via, org) => `${org}: this number takes calls, not texts. Call us, and press 5 for an emergency.`,
  not_acted_on: () => 'Switchboard could not act on this message just now; please try again in a minute.',
};

/** An answer in words, as the channel it goes back on shows it. */
export function answerWords(answer: StaffAnswer, via: AnswerChannel, org: string): string {
  return (WORDS[answer.kind] as Words<typeof answer.kind>)(answer as never, via, org);
}
