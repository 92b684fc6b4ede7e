/**
 * Imports run one way: foundations ← capabilities ← entry points, and among the capabilities
 * audit, clients, on-call ← paging ← tickets ← callbacks, billing; auth sits on audit. `npm run check`
 * (part of `npm test`) fails on a cycle or an import against that direction.
 */
const FOUNDATIONS = '^src/(config|calendar|channels|db|http|logging\\.ts)';
const CAPABILITIES = '^src/(audit|clients|oncall|announcements|paging|tickets|callbacks|billing|auth)/';
const ENTRY_POINTS = '^src/(ivr/|dashboard/|cli/|app\\.ts|main\\.ts|scheduler\\.ts|health\\.ts)';
/** The catalogue of every table (for drizzle-kit and the PostgreSQL dialect) gathers each capability's schema. */
const CATALOGUE = '^src/db/(schema|postgres-tables)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle.', from: {}, to: { circular: true } },
    {
      name: 'foundations-stay-below',
      severity: 'error',
      comment: 'Foundations (config, calendar, channels, db, http) know nothing of capabilities or entry points.',
      from: { path: FOUNDATIONS, pathNot: CATALOGUE },
      to: { path: [CAPABILITIES, ENTRY_POINTS] },
    },
    {
      name: 'catalogue-takes-only-tables',
      severity: 'error',
      comment: 'The table catalogue imports capabilities’ schema files and nothing else of theirs.',
      from: { path: CATALOGUE },
      to: { path: CAPABILITIES, pathNot: '/schema\\.ts$' },
    },
    {
      name: 'capabilities-below-entry-points',
      severity: 'error',
      comment: 'Capabilities are called by the webhooks, the dashboard, the API and the scheduler, never the reverse.',
      from: { path: CAPABILITIES },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'ground-capabilities',
      severity: 'error',
      comment: 'Audit, clients and on-call depend on no other capability.',
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
      comment: 'The phone webhooks do not depend on the dashboard.',
      from: { path: '^src/ivr/' },
      to: { path: '^src/dashboard/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
