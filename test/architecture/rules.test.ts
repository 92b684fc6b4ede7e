import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The import rules of .dependency-cruiser.cjs, each seen to refuse: a copy of src/ gets one forbidden
 * import per rule, and dependency-cruiser must name that rule for that file. (The tree as it is passes
 * the same rules in `npm run check`.) The rules do not depend on the database: run on one engine.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A file of the copy, the import added to it, and the rule that must refuse it. */
const FORBIDDEN: { file: string; imports: string; rule: string }[] = [
  { file: 'src/dashboard/queue.ts', imports: '../tickets/store.js', rule: 'only-through-index' },
  { file: 'src/scheduler.ts', imports: './tickets/escalate.js', rule: 'only-through-index-from-the-top' },
  { file: 'src/email/intake.ts', imports: '../ivr/index.js', rule: 'channels-apart' },
  { file: 'src/ivr/texts.ts', imports: '../email/index.js', rule: 'channels-apart' },
  { file: 'src/slack/routes.ts', imports: '../links/index.js', rule: 'channels-apart' },
  { file: 'src/tickets/open.ts', imports: '../email/index.js', rule: 'core-knows-no-channel' },
  { file: 'src/tickets/sla.ts', imports: '../dashboard/index.js', rule: 'core-knows-no-channel' },
  { file: 'src/http/json.ts', imports: '../paging/index.js', rule: 'foundations-stay-below' },
  { file: 'src/config/env.ts', imports: '../email/index.js', rule: 'foundations-stay-below' },
  { file: 'src/db/schema.ts', imports: '../tickets/store.js', rule: 'catalogue-takes-only-tables' },
  { file: 'src/dashboard/queue.ts', imports: '../tickets/schema.js', rule: 'tables-only-in-data-access' },
  { file: 'src/tickets/open.ts', imports: 'drizzle-orm', rule: 'sql-in-stores' },
  { file: 'src/dashboard/layout.ts', imports: 'drizzle-orm', rule: 'sql-in-stores' },
  { file: 'src/tickets/facts.ts', imports: 'express', rule: 'express-in-routes' },
  { file: 'src/callbacks/service.ts', imports: 'twilio', rule: 'vendor-twilio' },
  { file: 'src/tickets/acknowledge.ts', imports: '@slack/web-api', rule: 'vendor-slack' },
  { file: 'src/paging/delivery.ts', imports: 'nodemailer', rule: 'vendor-nodemailer' },
  { file: 'src/email/mailbox.ts', imports: 'imapflow', rule: 'vendor-imapflow' },
  { file: 'src/email/intake.ts', imports: 'mailparser', rule: 'vendor-mailparser' },
  { file: 'src/email/decide.ts', imports: 'mailauth', rule: 'vendor-mailauth' },
  { file: 'src/clients/service.ts', imports: '../paging/index.js', rule: 'ground-capabilities' },
  { file: 'src/paging/words.ts', imports: '../tickets/index.js', rule: 'paging-below-tickets' },
  { file: 'src/tickets/sla.ts', imports: '../billing/index.js', rule: 'tickets-below-callbacks' },
  { file: 'src/callbacks/service.ts', imports: '../billing/index.js', rule: 'callbacks-below-billing' },
  { file: 'src/links/routes.ts', imports: '../dashboard/index.js', rule: 'phone-below-dashboard' },
  { file: 'src/portal/ticket-routes.ts', imports: '../email/index.js', rule: 'channels-apart' },
  { file: 'src/email/decide.ts', imports: '../portal/index.js', rule: 'channels-apart' },
  { file: 'src/tickets/client-actions.ts', imports: '../portal/index.js', rule: 'core-knows-no-channel' },
  { file: 'src/portal/account-routes.ts', imports: '../dashboard/index.js', rule: 'phone-below-dashboard' },
  { file: 'src/portal/pages.ts', imports: 'express', rule: 'express-in-routes' },
  { file: 'src/tickets/store.ts', imports: './open.js', rule: 'no-circular' },
];

describe.skipIf(process.env.TEST_ENGINE === 'postgres')('the import rules refuse what the style guide forbids', () => {
  const copy = mkdtempSync(join(tmpdir(), 'switchboard-rules-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('names each forbidden import by its rule, and finds nothing else wrong', async () => {
    cpSync(join(repo, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(repo, 'tsconfig.json'), join(copy, 'tsconfig.json'));
    cpSync(join(repo, '.dependency-cruiser.cjs'), join(copy, '.dependency-cruiser.cjs'));
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
    for (const f of FORBIDDEN) appendFileSync(join(copy, f.file), `\nimport '${f.imports}';\n`);

    const cli = join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const run = await promisify(execFile)(process.execPath, [cli, 'src', '--output-type', 'json'], {
      cwd: copy,
      maxBuffer: 256 * 1024 * 1024,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const { summary } = JSON.parse(run.stdout) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[] };
    };
    const found = summary.violations.map((v) => `${v.rule.name}: ${v.from}`);
    for (const f of FORBIDDEN) expect(found, `${f.file} → ${f.imports}`).toContain(`${f.rule}: ${f.file}`);
    // Every refusal is one of the added imports (or the cycle they close).
    const added = new Set(FORBIDDEN.map((f) => f.file));
    expect(summary.violations.filter((v) => !added.has(v.from) && v.rule.name !== 'no-circular')).toEqual([]);
  }, 120_000);
});
