/**
 * The shape of src/ (README, "Layout"), as rules `npm run check` (part of `npm test`) enforces:
 *
 *   foundations   config, calendar, channels (the vendors), db, http, logging: know no capability
 *   core          files, audit, clients, oncall, announcements, paging, tickets, callbacks, billing, auth:
 *                 files ← clients; audit, clients, on-call ← paging ← tickets ← callbacks, billing; auth sits on audit
 *   channels      ivr (the phone), email, slack, links (signed link pages), portal (clients' contacts and the
 *                 public notices): adapt their input to the core, and never import each other
 *   entry points  app.ts, main.ts, scheduler.ts, health.ts, cli/, dashboard/
 *
 * Each rule is tried by test/architecture/rules.test.ts, which adds the forbidden import to a copy of
 * src/ and expects the rule to refuse it.
 */
const FOUNDATIONS = '^src/(config|calendar|channels|db|http)/|^src/logging\\.ts$';
const CORE = '^src/(files|audit|clients|oncall|announcements|paging|tickets|callbacks|billing|auth)/';
const CHANNELS = '^src/(ivr|email|slack|links|portal)/';
const ENTRY_POINTS = '^src/(dashboard/|cli/|app\\.ts$|main\\.ts$|scheduler\\.ts$|health\\.ts$)';
/** The catalogue of every table (for drizzle-kit and the PostgreSQL dialect) gathers each capability's schema. */
const CATALOGUE = '^src/db/(schema|postgres-tables)\\.ts$';
/** Where SQL may be written: stores, schemas, and the database foundation. */
const DATA_ACCESS = ['(^|/)[^/]*store[^/]*\\.ts$', '(^|/)schema\\.ts$', '^src/db/'];
/** Where Express may be imported: route files, the HTTP foundation, and the helpers the dashboard's and the portal's routes share. */
const ROUTES = [
  '(^|/)[^/]*routes\\.ts$',
  '^src/http/',
  '^src/app\\.ts$',
  '^src/health\\.ts$',
  '^src/dashboard/(kit|session|sign-in)\\.ts$',
  '^src/portal/(kit|session)\\.ts$',
];

/** Each vendor's SDK, and the files that own it. */
const VENDORS = [
  {
    name: 'twilio',
    module: '^twilio($|/)',
    // Three faces of one SDK: the REST client, webhook signatures, TwiML.
    owners: ['^src/channels/twilio\\.ts$', '^src/http/twilio-signature\\.ts$', '^src/ivr/twiml\\.ts$'],
  },
  { name: 'slack', module: '^@slack/', owners: ['^src/channels/slack\\.ts$'] },
  { name: 'nodemailer', module: '^nodemailer($|/)', owners: ['^src/channels/mail\\.ts$'] },
  { name: 'imapflow', module: '^imapflow($|/)', owners: ['^src/email/imap\\.ts$'] },
  {
    name: 'mailparser',
    module: '^(mailparser|@zone-eu/mailsplit|html-to-text)($|/)',
    owners: ['^src/email/parse\\.ts$'],
  },
  { name: 'mailauth', module: '^mailauth($|/)', owners: ['^src/email/authentication\\.ts$'] },
];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle.', from: {}, to: { circular: true } },
    {
      name: 'only-through-index',
      severity: 'error',
      comment:
        'A folder is imported by others only through its index.ts, its public face (stores and schemas may name other folders’ tables, for joins and foreign keys).',
      from: { path: '^src/([^/]+)/', pathNot: CATALOGUE },
      to: {
        path: '^src/([^/]+)/',
        pathNot: [
          '^src/$1/',
          '^src/[^/]+/index\\.ts$',
          '^src/(http|db|config|calendar|channels)/',
          '^src/[^/]+/schema\\.ts$',
        ],
      },
    },
    {
      name: 'tables-only-in-data-access',
      severity: 'error',
      comment: 'Another folder’s tables (its schema.ts) are named only by stores and schemas.',
      from: { path: '^src/([^/]+)/', pathNot: [...DATA_ACCESS, CATALOGUE] },
      to: { path: '^src/[^/]+/schema\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'only-through-index-from-the-top',
      severity: 'error',
      comment:
        'The composition root and the other top-level files import a capability or channel only through its index.ts.',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: `${CORE}|${CHANNELS}|^src/dashboard/`, pathNot: '^src/[^/]+/index\\.ts$' },
    },
    {
      name: 'channels-apart',
      severity: 'error',
      comment: 'Channels never import each other: each adapts its own vendor to the core.',
      from: { path: CHANNELS },
      to: { path: CHANNELS, pathNot: '^src/$1/' },
    },
    {
      name: 'core-knows-no-channel',
      severity: 'error',
      comment: 'The core (tickets, paging…) knows no channel and no entry point: channels call it, never the reverse.',
      from: { path: CORE },
      to: { path: [CHANNELS, ENTRY_POINTS] },
    },
    {
      name: 'foundations-stay-below',
      severity: 'error',
      comment:
        'Foundations (config, calendar, channels, db, http, logging) import no capability, channel or entry point.',
      from: { path: FOUNDATIONS, pathNot: CATALOGUE },
      to: { path: [CORE, CHANNELS, ENTRY_POINTS] },
    },
    {
      name: 'catalogue-takes-only-tables',
      severity: 'error',
      comment: 'The table catalogue imports capabilities’ schema files and nothing else of theirs.',
      from: { path: CATALOGUE },
      to: { path: `${CORE}|${CHANNELS}`, pathNot: '/schema\\.ts$' },
    },
    {
      name: 'sql-in-stores',
      severity: 'error',
      comment: 'drizzle-orm (SQL) only in store, schema and db/ files: services call stores.',
      from: { pathNot: DATA_ACCESS },
      to: { path: '(^|/)node_modules/drizzle-orm/' },
    },
    {
      name: 'express-in-routes',
      severity: 'error',
      comment: 'Express only in route files (and the HTTP helpers they use): below the routes, plain inputs.',
      from: { pathNot: ROUTES },
      to: { path: '(^|/)node_modules/express/' },
    },
    ...VENDORS.map((v) => ({
      name: `vendor-${v.name}`,
      severity: 'error',
      comment: `The ${v.name} SDK only in the file that owns it (${v.owners.join(', ')}).`,
      from: { pathNot: v.owners },
      to: { path: `(^|/)node_modules/${v.module.slice(1).replace('($|/)', '/')}` },
    })),
    {
      name: 'ground-capabilities',
      severity: 'error',
      comment: 'Audit, clients, on-call and announcements depend on no other capability.',
      from: { path: '^src/(audit|clients|oncall|announcements)/' },
      to: { path: '^src/(paging|tickets|callbacks|billing|auth)/' },
    },
    {
      name: 'paging-below-tickets',
      severity: 'error',
      comment: 'Paging renders and delivers; it knows tickets only as the facts it is handed.',
      from: { path: '^src/paging/' },
      to: { path: '^src/(tickets|callbacks|billing|auth)/' },
    },
    {
      name: 'tickets-below-callbacks',
      severity: 'error',
      from: { path: '^src/tickets/' },
      to: { path: '^src/(callbacks|billing|auth)/' },
    },
    {
      name: 'callbacks-below-billing',
      severity: 'error',
      from: { path: '^src/callbacks/' },
      to: { path: '^src/(billing|auth)/' },
    },
    {
      name: 'phone-below-dashboard',
      severity: 'error',
      comment: 'The channels do not depend on the dashboard.',
      from: { path: CHANNELS },
      to: { path: '^src/dashboard/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
