import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  receivedAt: number;
}

/** A real SMTP server (smtp-server) that keeps what nodemailer delivers; `reject` makes it refuse. */
export async function startSmtp() {
  const mails: ReceivedMail[] = [];
  const state = { down: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200, // nodemailer keeps pooled connections open; do not wait for them on close
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.down) return callback(Object.assign(new Error('Mailbox unavailable, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, receivedAt: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return {
    mails,
    state,
    env: { SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true`, MAIL_FROM: 'Switchboard <switchboard@example.com>' },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
  receivedAt: number;
}

/** A local server answering like Slack's Web API (chat.postMessage, chat.update). */
export async function startSlack() {
  const calls: SlackCall[] = [];
  let ts = 1000;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const body = req.headers['content-type']?.includes('json') ? JSON.parse(data || '{}') : Object.fromEntries(new URLSearchParams(data));
      for (const key of ['blocks']) if (typeof body[key] === 'string') body[key] = JSON.parse(body[key]);
      calls.push({ method, body, receivedAt: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: body.channel, ts: `1700000000.${++ts}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return {
    calls,
    env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL: 'C0EMERGENCY', SLACK_SIGNING_SECRET: 'slack-signing-secret', SLACK_API_URL: url },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
