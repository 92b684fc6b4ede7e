import type { Channel } from '../channels/index.js';
import type { Organisation, StaffMember } from '../config/index.js';
import type { Q } from '../db/index.js';
import { enqueue, type NewOutboxRow } from './outbox-store.js';
import { ticketLabel, type Notice, type NoticeKind, type RenderContext } from './notices.js';
import type { OutboxPurpose } from './schema.js';
import { renderEmail } from './render-email.js';
import { renderSlack } from './render-slack.js';
import { renderSms } from './render-sms.js';
import { whoToPage } from './people.js';
import { lineOf } from '../oncall/index.js';
import { startEscalation } from './escalation-store.js';

/** What each kind of notice counts as in the outbox (bundling, billing and the timeline read this). */
const PURPOSE: Record<NoticeKind, OutboxPurpose> = {
  emergency: 'page',
  transcription: 'page',
  still_unacknowledged: 'page',
  page_summary: 'page_summary',
  taken: 'notice',
  unreachable: 'notice',
  sla: 'notice',
  sla_summary: 'notice',
  caller_confirmation: 'caller_confirmation',
  callback_booked: 'callback_confirmation',
  callback_unanswered: 'notice',
  callbacks_overdue: 'notice',
  email_reply: 'requester',
  email_refused: 'requester',
  customer_replied: 'notice',
  staff_reply: 'requester',
  line_test_failed: 'page',
  on_call_now: 'notice',
  announcement: 'notice',
  portal_link: 'requester',
  requester: 'requester',
  monthly_report: 'report',
  call: 'notice',
};

/** Why a message is sent and what it is about: `key` makes writing it twice (a retried webhook) a no-op. */
export interface About {
  key: string;
  ticketId?: number | null;
  /** Overrides the kind's purpose (an escalation's phone call is a page). */
  purpose?: OutboxPurpose;
  /** An email in the requester's conversation: its own id, what it answers, and the conversation's subject. */
  thread?: { messageId: string; inReplyTo?: string; references?: string[]; subject?: string };
  /** A Slack channel of its own (a service line's), instead of the organisation's. */
  slackChannel?: string;
}

/**
 * Paging is the only writer of the outbox: everyone else asks for a notice to be sent to someone, with
 * plain facts, in their own transaction. The text is rendered here, per channel, once.
 */
export interface Pager {
  readonly context: RenderContext;
  /** A staff member by id, from the organisation file. */
  staff(id: string): StaffMember | undefined;
  /** Pages an emergency: SMS and email to the on-call engineer and every architect, one Slack post; the escalation schedule starts. */
  pageEmergency(tx: Q, page: EmergencyPage): Promise<StaffMember[]>;
  /** SMS and email (or only the `channels` given) to staff. */
  tellStaff(
    tx: Q,
    people: StaffMember[],
    notice: Notice,
    about: About,
    channels?: ('sms' | 'email')[],
  ): Promise<number>;
  /** A post to the organisation's Slack channel. */
  post(tx: Q, notice: Notice, about: About): Promise<number>;
  /** A requester or caller: by email where there is an address, by SMS where the number takes texts. */
  tellCustomer(tx: Q, to: { email?: string; phone?: string }, notice: Notice, about: About): Promise<Channel[]>;
  /** Email to addresses that are not staff (billing's recipients). */
  mail(tx: Q, addresses: string[], notice: Notice, about: About): Promise<number>;
  /** Twilio rings a staff member from the helpdesk number and fetches the call's TwiML at `notice.url`. */
  ring(tx: Q, person: StaffMember, notice: Extract<Notice, { kind: 'call' }>, about: About): Promise<number>;
}

export interface EmergencyPage {
  ticketId: number;
  /** The ticket's service line: its own on-call engineer and architects are paged. */
  line?: string | null;
  /** The timeline event that calls for the pages: it keys them, so a retried webhook pages once. */
  cause: number;
  notice: Extract<Notice, { kind: 'emergency' }>;
  /** The signed link with which a person takes the ticket. */
  ackLinkFor(staffId: string): string;
  now: Date;
}

export function createPager(organisation: Organisation, publicUrl: string, clock: { now(): Date }): Pager {
  const context: RenderContext = {
    organisation: organisation.name,
    language: organisation.language,
    timezone: organisation.timezone,
    helpdeskNumber: organisation.helpdeskNumber,
    publicUrl,
  };
  const base = (notice: Notice, about: About) => {
    const now = clock.now();
    return {
      purpose: about.purpose ?? PURPOSE[notice.kind],
      ticketId: about.ticketId ?? null,
      nextAttemptAt: now,
      createdAt: now,
      payload: {
        notice: notice.kind,
        // What a burst summary lists of a held page, without reading the tickets again.
        ...('ticket' in notice
          ? {
              ticket: {
                number: notice.ticket.number,
                callerNumber: 'callerNumber' in notice.ticket ? (notice.ticket.callerNumber ?? null) : null,
              },
            }
          : {}),
        ...(notice.kind === 'transcription' ? { followUp: 'transcription' } : {}),
      },
    };
  };
  const sms = (notice: Notice, about: About, to: string, key: string, staffId?: string): NewOutboxRow[] => {
    const body = renderSms(notice, context);
    return body
      ? [{ ...base(notice, about), dedupeKey: key, channel: 'sms', recipient: to, staffId: staffId ?? null, body }]
      : [];
  };
  const email = (notice: Notice, about: About, to: string, key: string, staffId?: string): NewOutboxRow[] => {
    const mail = renderEmail(notice, context);
    if (!mail) return [];
    const row = base(notice, about);
    return [
      {
        ...row,
        dedupeKey: key,
        channel: 'email',
        recipient: to,
        staffId: staffId ?? null,
        subject: about.thread?.subject ?? mail.subject,
        body: mail.text,
        payload: {
          ...row.payload,
          ...(mail.attachments ? { attachments: mail.attachments } : {}),
          ...(about.thread
            ? {
                thread: {
                  messageId: about.thread.messageId,
                  inReplyTo: about.thread.inReplyTo,
                  references: about.thread.references,
                },
              }
            : {}),
        },
      },
    ];
  };

  /**
   * A text to a staff member, or for someone whose phone is a landline (`landline: true`, never texted)
   * a phone call instead when it is a page about an emergency: the call says which ticket and who called,
   * and 1 takes it. Other notices reach a landline by email only.
   */
  const textOrCall = (notice: Notice, about: About, person: StaffMember, key: string): NewOutboxRow[] => {
    if (!person.landline) return sms(notice, about, person.phone, key, person.id);
    if ((notice.kind !== 'emergency' && notice.kind !== 'still_unacknowledged') || !about.ticketId) return [];
    const url = `${publicUrl}/twilio/voice/page?ticket=${about.ticketId}&staff=${encodeURIComponent(person.id)}`;
    return [
      {
        ...base(notice, about),
        dedupeKey: key.replace(/:sms$/, ':voice'),
        channel: 'voice',
        recipient: person.phone,
        staffId: person.id,
        body: `page by phone about ${ticketLabel(notice.ticket.number)} (landline)`,
        payload: { notice: 'call', url },
      },
    ];
  };

  const pager: Pager = {
    context,
    staff: (id) => organisation.staff.find((s) => s.id === id),
    async pageEmergency(tx, page) {
      const people = await whoToPage(tx, organisation, page.now, page.line);
      const about = { key: `page:${page.cause}`, ticketId: page.ticketId };
      const rows = people.flatMap((p) => {
        const mine = { ...page.notice, ackLink: page.ackLinkFor(p.id) };
        return [
          ...textOrCall(mine, about, p, `page:${page.cause}:${p.id}:sms`),
          ...email(mine, about, p.email, `page:${page.cause}:${p.id}:email`, p.id),
        ];
      });
      // The line's own address (its team's mailbox) gets a copy, without a personal link to take it.
      const line = lineOf(organisation, page.line);
      if (line?.email && !people.some((p) => p.email.toLowerCase() === line.email))
        rows.push(...email(page.notice, about, line.email, `page:${page.cause}:line:email`));
      await enqueue(tx, rows);
      const slackChannel = line?.slackChannel;
      await pager.post(tx, page.notice, slackChannel ? { ...about, slackChannel } : about);
      await startEscalation(tx, page.ticketId, organisation.escalation.ackTimeoutMs, page.now);
      return people;
    },
    async tellStaff(tx, people, notice, about, channels = ['sms', 'email']) {
      const rows = people.flatMap((p) => [
        ...(channels.includes('sms') ? textOrCall(notice, about, p, `${about.key}:${p.id}:sms`) : []),
        ...(channels.includes('email') ? email(notice, about, p.email, `${about.key}:${p.id}:email`, p.id) : []),
      ]);
      return enqueue(tx, rows);
    },
    async post(tx, notice, about) {
      const message = renderSlack(notice, context);
      if (!message) return 0;
      const row = base(notice, about);
      return enqueue(tx, [
        {
          ...row,
          dedupeKey: `${about.key}:slack`,
          channel: 'slack',
          recipient: about.slackChannel ?? 'channel',
          body: message.text,
          payload: { ...row.payload, ...(message.blocks ? { blocks: message.blocks } : {}) },
        },
      ]);
    },
    async tellCustomer(tx, to, notice, about) {
      const rows = [
        ...(to.email ? email(notice, about, to.email, `${about.key}:email`) : []),
        ...(to.phone ? sms(notice, about, to.phone, `${about.key}:sms`) : []),
      ];
      await enqueue(tx, rows);
      return rows.map((r) => r.channel);
    },
    async mail(tx, addresses, notice, about) {
      return enqueue(
        tx,
        addresses.flatMap((to) => email(notice, about, to, `${about.key}:${to}`)),
      );
    },
    async ring(tx, person, notice, about) {
      return enqueue(tx, [
        {
          ...base(notice, about),
          dedupeKey: about.key,
          channel: 'voice',
          recipient: person.phone,
          staffId: person.id,
          body: notice.about,
          payload: { notice: 'call', url: notice.url },
        },
      ]);
    },
  };
  return pager;
}
