import type { TicketStatus } from '../tickets/index.js';

/** Everything the portal and the status page say, in the organisation's language (English, Italian, Russian). */
export interface Words {
  lang: string;
  portal: (org: string) => string;
  nav: { tickets: string; newTicket: string; notices: string; account: string; signOut: string; status: string };
  // Signing in
  signIn: string;
  signInIntro: (org: string) => string;
  emailLabel: string;
  askForLink: string;
  linkSent: (address: string, org: string) => string;
  throttled: string;
  formExpired: string;
  linkSpent: string;
  /** The page a sign-in link opens: whose address it signs in, and the one button. */
  confirmSignIn: (address: string) => string;
  signInAs: (address: string) => string;
  notYou: string;
  signedOut: string;
  sessionEnded: string;
  // Tickets
  yourTickets: string;
  show: string;
  filters: { open: string; closed: string; all: string };
  recentlyClosed: string;
  noTickets: string;
  columns: { ticket: string; subject: string; status: string; updated: string };
  status: Record<TicketStatus, string>;
  facts: { status: string; priority: string; line: string; due: string; with: string; opened: string; nobody: string };
  conversation: string;
  byEmail: string;
  onThePortal: string;
  automatic: string;
  phoneSummary: (v: { emergency: boolean; at: string; by?: string; takenAt?: string }) => string;
  callSummary: (at: string) => string;
  writeReply: string;
  filesLabel: string;
  send: string;
  solved: string;
  solvedHint: string;
  reopen: string;
  tooLateToReopen: string;
  noSuchTicket: string;
  noSuchTicketText: string;
  done: { opened: string; replied: string; solved: string; reopened: string };
  // A new ticket
  newTicket: string;
  subject: string;
  subjectHint: string;
  description: string;
  line: string;
  priority: string;
  emergencyHint: (helpdesk: string) => string;
  openIt: string;
  problems: {
    subject: string;
    priority: (helpdesk: string) => string;
    line: string;
    body: string;
    fileTooLarge: (name: string) => string;
    filesTooLarge: string;
    tooManyFiles: (max: number) => string;
    emptyReply: string;
    tooManyTickets: string;
    unreadable: string;
    busy: string;
    /** The client's file storage is full: the words are kept, the files are not. */
    storageFull: string;
    /** Storage full and nothing else in the form: nothing was taken. */
    noRoomForFiles: string;
    /** The service shed a heavy request under pressure. */
    pressed: string;
    tooManyReplies: string;
    closed: string;
    open: string;
  };
  // The account
  account: string;
  supportCode: string;
  supportCodeHint: string;
  level: string;
  targets: string;
  targetsHint: string;
  afterHours: Record<'included' | 'billable' | 'none', string>;
  duration: (ms: number) => string;
  prepaid: string;
  noPackage: string;
  balance: (unit: 'tickets' | 'hours', remaining: number, quantity: number) => string;
  contactsOf: (client: string) => string;
  /** The client's file storage: what is left of the quota. */
  storage: string;
  storageLeft: (leftMb: string, quotaMb: string) => string;
  storageHint: string;
  helpdeskPhone: string;
  keys: { 5: string; 2: string; 3: string };
  signOutEverywhere: string;
  signOutEverywhereHint: string;
  // Notices
  notices: string;
  noNotices: string;
  now: string;
  planned: string;
  resolved: string;
  from: string;
  until: string;
  feed: string;
  statusTitle: (org: string) => string;
}

export const hours = (ms: number, h: string, min: string) => {
  const total = Math.round(ms / 60_000);
  const [hh, mm] = [Math.floor(total / 60), total % 60];
  return hh && mm ? `${hh} ${h} ${mm} ${min}` : hh ? `${hh} ${h}` : `${mm} ${min}`;
};
export const durationIn = (h: string, min: string) => (ms: number) => hours(ms, h, min);
