import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const AUTH_TOKEN = 'twilio-test-auth-token'; // the same token signs webhooks in test/support/phone.ts

export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  receivedAt: number;
}
export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  url: string;
  machineDetection?: string;
}
export interface StoredRecording {
  sid: string;
  callSid: string;
  duration: number;
  createdAt: Date;
  from?: string;
}
export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

/** A local HTTP server that answers like Twilio's REST API, for the real twilio SDK (TWILIO_API_URL). */
export interface FakeTwilio {
  url: string;
  env: Record<string, string>;
  messages: SentMessage[];
  calls: PlacedCall[];
  recordings: StoredRecording[];
  /** Decides per request whether to fail it (an outage, an opted-out recipient...). */
  failWith?: (kind: 'message' | 'call', to: string) => TwilioError | undefined;
  requests: number;
  close(): Promise<void>;
}

function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(data))));
  });
}

let serial = 0;
const sid = (prefix: string) => `${prefix}${(++serial).toString(16).padStart(32, '0')}`;

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const fake: FakeTwilio = { url: '', env: {}, messages: [], calls: [], recordings: [], requests: 0, close: async () => {} };
  const base = `/2010-04-01/Accounts/${ACCOUNT_SID}`;
  const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;

  const server: Server = createServer(async (req, res) => {
    fake.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== expectedAuth) return json(401, { code: 20003, message: 'Authenticate', status: 401 });
    const fail = (e: TwilioError) => json(e.status, { code: e.code, message: e.message, more_info: `https://www.twilio.com/docs/errors/${e.code}`, status: e.status });

    if (req.method === 'POST' && url.pathname === `${base}/Messages.json`) {
      const form = await readForm(req);
      const error = fake.failWith?.('message', form.To!);
      if (error) return fail(error);
      const m = { sid: sid('SM'), to: form.To!, from: form.From!, body: form.Body!, statusCallback: form.StatusCallback, receivedAt: Date.now() };
      fake.messages.push(m);
      return json(201, { sid: m.sid, account_sid: ACCOUNT_SID, to: m.to, from: m.from, body: m.body, status: 'queued', date_created: new Date().toUTCString() });
    }
    if (req.method === 'POST' && url.pathname === `${base}/Calls.json`) {
      const form = await readForm(req);
      const error = fake.failWith?.('call', form.To!);
      if (error) return fail(error);
      const c = { sid: sid('CA'), to: form.To!, from: form.From!, url: form.Url!, machineDetection: form.MachineDetection };
      fake.calls.push(c);
      return json(201, { sid: c.sid, account_sid: ACCOUNT_SID, to: c.to, from: c.from, status: 'queued' });
    }
    if (req.method === 'GET' && url.pathname === `${base}/Recordings.json`) {
      const after = url.searchParams.get('DateCreated>');
      const since = after ? new Date(after) : undefined;
      const list = fake.recordings.filter((r) => !since || r.createdAt >= since);
      return json(200, {
        recordings: list.map((r) => ({
          sid: r.sid,
          account_sid: ACCOUNT_SID,
          call_sid: r.callSid,
          duration: String(r.duration),
          status: 'completed',
          date_created: r.createdAt.toUTCString(),
          uri: `${base}/Recordings/${r.sid}.json`,
        })),
        first_page_uri: `${base}/Recordings.json?PageSize=50&Page=0`,
        next_page_uri: null,
        page: 0,
        page_size: 50,
        uri: `${base}/Recordings.json`,
      });
    }
    const call = /^\/2010-04-01\/Accounts\/AC\w+\/Calls\/(CA\w+)\.json$/.exec(url.pathname);
    if (req.method === 'GET' && call) {
      const rec = fake.recordings.find((r) => r.callSid === call[1]);
      return rec ? json(200, { sid: call[1], account_sid: ACCOUNT_SID, from: rec.from, to: '+12817684800', status: 'completed' }) : fail({ status: 404, code: 20404, message: 'not found' });
    }
    const audio = /^\/2010-04-01\/Accounts\/AC\w+\/Recordings\/(RE\w+)\.mp3$/.exec(url.pathname);
    if (req.method === 'GET' && audio) {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      return res.end(Buffer.from(`ID3-fake-audio-of-${audio[1]}`));
    }
    fail({ status: 404, code: 20404, message: `no fake for ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.env = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_PHONE_NUMBER: '+12817684800', TWILIO_API_URL: fake.url };
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
