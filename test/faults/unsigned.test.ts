import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { API_TOKEN, auth, testApp } from '../support/app.js';
import { startService, stopServices } from '../support/service-process.js';

afterAll(() => stopServices());
const call = { CallSid: 'CA00000000000000000000000000000abc', From: '+13125550100', To: '+12817684800' };

describe('unsigned Twilio webhooks', async () => {
  it('stop start-up with one line naming TWILIO_AUTH_TOKEN when PUBLIC_URL is a public address', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        DATABASE_URL: 'file::memory:',
        PUBLIC_URL: 'https://helpdesk.example.com',
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    const problems = run.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems).toEqual([
      expect.stringContaining(
        'environment TWILIO_AUTH_TOKEN: is required when PUBLIC_URL (https://helpdesk.example.com) is not a local address',
      ),
    ]);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('are accepted on a local demo, and /healthz says so', async () => {
    for (const local of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000'])
      expect(loadConfig({ PUBLIC_URL: local }).ok).toBe(true);
    const { app } = await testApp();
    await request(app).post('/twilio/voice').type('form').send(call).expect(200);
    expect((await request(app).get('/healthz').set(auth).expect(200)).body).toMatchObject({
      status: 'ok',
      unsignedWebhooks: true,
    });
  });

  it('are refused once the token is set, and /healthz says they are checked', async () => {
    const { app } = await testApp({
      env: { PUBLIC_URL: 'https://helpdesk.example.com', TWILIO_AUTH_TOKEN: 'secret-token' },
    });
    await request(app).post('/twilio/voice').type('form').send(call).expect(403);
    expect((await request(app).get('/healthz').set(auth).expect(200)).body).toMatchObject({ unsignedWebhooks: false });
  });

  it('may be allowed on a lab with ALLOW_UNSIGNED_WEBHOOKS=true, loudly', async () => {
    const service = await startService({
      env: { PUBLIC_URL: 'https://lab.example.com', ALLOW_UNSIGNED_WEBHOOKS: 'true', API_TOKEN },
    });
    const warning = await service.waitForLog('UNSIGNED WEBHOOKS');
    expect(JSON.parse(warning)).toMatchObject({ level: 50 });
    const health = await (await fetch(`${service.url}/healthz`, { headers: auth })).json();
    expect(health).toMatchObject({ status: 'ok', unsignedWebhooks: true });
    const answer = await fetch(`${service.url}/twilio/voice`, { method: 'POST', body: new URLSearchParams(call) });
    expect(answer.status).toBe(200);
  });
});
