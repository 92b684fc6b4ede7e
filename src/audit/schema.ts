import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/**
 * What the audit trail records: who got in, who was kept out, every use of a link that needs no account,
 * what was announced to callers and clients, and clients' contacts signing in to the portal.
 */
export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_in_locked',
  'sign_in_throttled',
  'sign_out',
  'ack_link_opened',
  'ack_link_used',
  'voicemail_link_used',
  'voicemail_played',
  'attachment_downloaded',
  'link_refused',
  'mail_accepted',
  'mail_discarded',
  'announcement_posted',
  'announcement_taken_down',
  'announcement_emailed',
  /** Someone asked the portal for a sign-in link (emailed or not: the detail says). */
  'portal_link_requested',
  /** A portal sign-in link that was used already, expired, or never issued. */
  'portal_link_refused',
  'portal_sign_in',
  'portal_sign_out',
  /** A client's record changed through the API: contacts, domains, whether it is served, its quota. */
  'client_changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Security-relevant events, kept apart from tickets' timelines: one row each, never changed. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    /** A staff id, an account email, or what was typed at sign-in. */
    actor: text('actor'),
    /** The client address the request came from. */
    ip: text('ip'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);
