import { beforeAll, describe, expect, it } from 'vitest';
import { ticketAttachments, ticketMessages, tickets, voicemails } from '../../src/db/schema.js';
import { signedIn, testApp } from '../support/app.js';
import { emergencyFromUnknown, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { writeFile } from '../../src/files/index.js';

describe('who may open tickets on the dashboard', async () => {
  const h = await testApp();
  let number = 0;
  let paths: string[] = [];

  beforeAll(async () => {
    // Its calls come in on an instance at the public address (the dashboard's cookies would be Secure there).
    const phone = await testApp({
      databaseUrl: h.url,
      env: { PUBLIC_URL, TWILIO_AUTH_TOKEN },
      now: '2026-11-24T04:00:00Z', // Monday 22:00 in Chicago: after hours
    });
    await emergencyFromUnknown(phone.app, '+13125550601');
    const [ticket] = await h.db.q.select().from(tickets);
    const [voicemail] = await h.db.q.select().from(voicemails);
    number = ticket!.number;
    // A customer's file on the ticket's conversation (as email intake keeps one).
    const attachment = await h.db.withTransaction(async (tx) => {
      const [message] = await tx
        .insert(ticketMessages)
        .values({
          ticketId: ticket!.id,
          direction: 'in',
          messageId: 'contract-1@acme.example',
          fromAddress: 'dana@acme.example',
          toAddress: 'support@example.com',
          subject: 'Our contract',
          body: 'Attached.',
          original: 'Attached.',
          at: h.clock.now(),
        })
        .returning();
      const [file] = await tx
        .insert(ticketAttachments)
        .values({
          messageId: message!.id,
          filename: 'contract.pdf',
          contentType: 'application/pdf',
          size: 9,
          fileId: await writeFile(tx, null, h.clock.now(), Buffer.from('%PDF-1.7\n')),
        })
        .returning();
      return file!;
    });
    paths = [
      '/dashboard/tickets',
      `/dashboard/tickets/${number}`,
      `/dashboard/tickets/${number}/attachments/${attachment.id}`,
      `/dashboard/tickets/${number}/voicemails/${voicemail!.id}/audio`,
    ];
  });

  it('refuses the billing role every ticket page, attachment and voicemail, and leaves Tickets out of its menu', async () => {
    const { agent } = await signedIn(h, { email: 'bill@example.com', name: 'Bill Billing', role: 'billing' });
    for (const path of paths) {
      const res = await agent.get(path);
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.text).toContain('Your account cannot open this page');
    }
    const home = await agent.get('/dashboard/after-hours?from=2026-11-01&to=2026-11-30').expect(200);
    expect(home.text).not.toContain('href="/dashboard/tickets');
    expect(home.text).toContain(`TK-${number}`); // the after-hours voicemail is listed, by number alone
  });

  it('lets the roles that work tickets open them and download their files', async () => {
    for (const role of ['engineer', 'architect', 'office', 'admin'] as const) {
      const { agent } = await signedIn(h, { email: `${role}@example.com`, name: `A ${role}`, role });
      await agent.get('/dashboard/tickets').expect(200);
      const page = await agent.get(`/dashboard/tickets/${number}`).expect(200);
      expect(page.text).toContain('contract.pdf');
      const file = await agent.get(paths[2]!).expect(200);
      expect(file.headers['content-disposition']).toContain('contract.pdf');
    }
  });
});
