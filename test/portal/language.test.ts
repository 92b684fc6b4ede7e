import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  askForLink,
  mailsTo,
  openOnPortal,
  portalHarness,
  portalOrganisation,
  portalSignIn,
} from '../support/portal.js';

/** The portal and its emails speak the organisation's language, as the phone prompts and notices do. */
describe.each([
  {
    language: 'it-IT',
    lang: 'it',
    ask: 'Inviami un link di accesso',
    sent: 'è in arrivo un link di accesso',
    subject: '[Omnipotech] Il suo link di accesso',
    heading: 'Le sue richieste',
    follow: 'Segua la richiesta sul portale',
  },
  {
    language: 'ru-RU',
    lang: 'ru',
    ask: 'Прислать ссылку для входа',
    sent: 'ссылка для входа уже в пути',
    subject: '[Omnipotech] Ваша ссылка для входа',
    heading: 'Ваши заявки',
    follow: 'Следите за заявкой на портале',
  },
])('the portal in $language', async (w) => {
  const h = await portalHarness({
    organisation: portalOrganisation((doc) => (doc.organization.language = w.language)),
  });

  it('asks for the address, sends the link and shows the tickets in the organisation’s language', async () => {
    const agent = request.agent(h.app);
    const form = await agent.get('/portal').expect(200);
    expect(form.text).toContain(`<html lang="${w.lang}">`);
    expect(form.text).toContain(w.ask);
    expect((await askForLink(agent, 'bo@beta.example')).text).toContain(w.sent);
    await h.settle();
    const [mail] = await mailsTo(h, 'bo@beta.example');
    expect(mail!.subject).toBe(w.subject);
    const bo = await portalSignIn(h, 'bo@beta.example');
    const number = await openOnPortal(bo, { subject: 'Oven display flickers' });
    const list = await bo.agent.get('/portal/tickets').expect(200);
    expect(list.text).toContain(w.heading);
    await h.settle();
    const reply = (await mailsTo(h, 'bo@beta.example')).find((m) => m.subject.includes(`[TK-${number}]`))!;
    expect(reply.text).toContain(w.follow);
    expect(reply.text).toContain(`http://helpdesk.test/portal/tickets/${number}`);
  });
});
