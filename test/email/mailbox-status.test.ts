import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mailboxOf } from '../../src/config/index.js';
import { startMailbox } from '../../src/email/index.js';
import { API_TOKEN, signedIn } from '../support/app.js';
import { startMailServer } from '../support/dovecot.js';
import { RECEIVING_SERVER } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

/** A mailbox nobody can read must not look healthy: clients' mail silently stops becoming tickets. */
describe('a helpdesk mailbox that cannot be read', async () => {
  const server = await startMailServer();
  const wrong = `imap://${server.user}:not-the-password@${server.host}:${server.port}/INBOX`;
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.email = {
        addresses: [{ address: 'support@omnipotech.example' }],
        authentication: { trust: RECEIVING_SERVER },
      };
    }),
    now: '2026-11-24T15:00:00Z',
    env: { PUBLIC_URL: 'http://helpdesk.test', IMAP_URL: wrong },
  });
  const mailbox = startMailbox(
    { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets },
    mailboxOf(wrong)!,
  );
  afterAll(async () => {
    await mailbox.stop();
    await server.stop();
  });

  it('is named by /healthz, with the server’s words only behind the API token', async () => {
    let res!: request.Response;
    await vi.waitFor(
      async () => {
        h.clock.advance(1_100); // one look at the database serves /healthz for a second
        res = await request(h.app).get('/healthz');
        expect(res.status).toBe(503);
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(res.body.problems).toEqual([
      expect.stringMatching(/^the helpdesk mailbox is not reachable since 2026-11-24T15:00/),
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/AUTHENTICATIONFAILED|Command failed|127\.0\.0\.1/);
    h.clock.advance(2_000); // past the second one look at the database serves
    const detailed = await request(h.app).get('/healthz').set('Authorization', `Bearer ${API_TOKEN}`).expect(503);
    expect(detailed.body.problems[0]).toMatch(/not reachable since .*: .+/);
  });

  it('is said at the top of every dashboard page', async () => {
    const office = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    for (const path of ['/dashboard/tickets', '/dashboard/queue']) {
      const page = await office.agent.get(path).expect(200);
      expect(page.text).toMatch(
        /data-mailbox-problem><strong>The helpdesk mailbox is not reachable since Tue 24 Nov 09:0\d/,
      );
    }
  });
});
