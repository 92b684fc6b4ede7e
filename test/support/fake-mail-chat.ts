import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  receivedAt: number;
}

/**
 * A real SMTP server (smtp-server) that keeps what nodemailer delivers. `state.down` refuses recipients
 * (451); `state.stall` takes a mail's DATA and never answers its end, so the client's send hangs.
 */
export async function startSmtp() {
  const mails: ReceivedMail[] = [];
  /** Mails whose DATA arrived while `state.stall` was on: never acknowledged, so never in `mails`. */
  const stalled: ReceivedMail[] = [];
  const state = { down: false, stall: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // A provider's own DNS lookups are not the service's time: no reverse lookup of 127.0.0.1 (which,
    // on a machine without a resolver, held up each new connection).
    disableReverseLookup: true,
    closeTimeout: 200, // nodemailer keeps pooled connections open; do not wait for them on close
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.down)
        return callback(Object.assign(new Error('Mailbox unavailable, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const stall = state.stall;
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        const mail = { to: session.envelope.rcptTo.map((r) => r.address), raw, receivedAt: Date.now() };
        // A stalled mail's callback is never called: the connection stays open until close() ends it.
        if (stall) return void stalled.push(mail);
        mails.push(mail);
        callback();
      });
    },
  });
  // A client that dies mid-session (a killed service) resets its connection: that is not the fake's failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;
  return {
    mails,
    stalled,
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

export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A message in the fake's channel history, as chat.postMessage (and later chat.update) left it. */
export interface SlackPost {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  metadata?: SlackMetadata;
  postedAt: number;
}

/** Arguments arrive form-encoded with objects as JSON strings (WebClient's default) or as a JSON body. */
function parseArguments(contentType: string | undefined, data: string): Record<string, unknown> {
  const body = contentType?.includes('json') ? JSON.parse(data || '{}') : Object.fromEntries(new URLSearchParams(data));
  for (const key of ['blocks', 'attachments', 'metadata']) {
    if (typeof body[key] === 'string') {
      try {
        body[key] = JSON.parse(body[key]);
      } catch {
        // Left as sent: a test can see what the client put there.
      }
    }
  }
  return body;
}

/** conversations.history over a channel's posts: newest first, `oldest`/`latest` exclusive unless `inclusive`. */
function history(posts: SlackPost[], args: Record<string, unknown>) {
  const inclusive = String(args.inclusive) === 'true' || args.inclusive === 1;
  const oldest = args.oldest === undefined ? undefined : Number(args.oldest);
  const latest = args.latest === undefined ? undefined : Number(args.latest);
  const limit = Math.min(Math.max(Number(args.limit) || 100, 1), 999);
  const withMetadata = String(args.include_all_metadata) === 'true';
  const matching = posts
    .filter((p) => oldest === undefined || (inclusive ? Number(p.ts) >= oldest : Number(p.ts) > oldest))
    .filter((p) => latest === undefined || (inclusive ? Number(p.ts) <= latest : Number(p.ts) < latest))
    .sort((a, b) => Number(b.ts) - Number(a.ts));
  const messages = matching.slice(0, limit).map((p) => ({
    type: 'message',
    bot_id: 'B0SWITCHBOARD',
    ts: p.ts,
    text: p.text ?? '',
    ...(p.blocks ? { blocks: p.blocks } : {}),
    ...(withMetadata && p.metadata ? { metadata: p.metadata } : {}),
  }));
  return { ok: true, messages, has_more: matching.length > limit, response_metadata: { next_cursor: '' } };
}

/**
 * A local server answering like Slack's Web API: chat.postMessage, chat.update, conversations.history,
 * auth.test. Faults: `state.down` answers 503; `state.hang` never answers anything; `state.hangPosts`
 * stores a post, then never answers it. `state.now` is the clock message timestamps (`ts`) come from.
 */
export async function startSlack() {
  /** Requests the fake acted on (a hung post is here; one refused by `down` or `hang` is not). */
  const calls: SlackCall[] = [];
  /** Every request that arrived, whatever the fault. */
  const attempts: SlackCall[] = [];
  const posts: Record<string, SlackPost[]> = {};
  const state = { down: false, hang: false, hangPosts: false, now: () => Date.now() };
  const hung = new Set<ServerResponse>();
  let lastMicros = 0;
  /** Slack's ts: seconds.microseconds, unique and increasing in a channel. */
  const nextTs = () => {
    lastMicros = Math.max(Math.floor(state.now() * 1000), lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };
  const hang = (res: ServerResponse) => {
    hung.add(res);
    res.on('close', () => hung.delete(res));
  };

  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const body = parseArguments(req.headers['content-type'], data);
      const call = { method, body, receivedAt: Date.now() };
      attempts.push(call);
      if (state.hang) return hang(res);
      if (state.down) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return void res.end('Service Unavailable');
      }
      calls.push(call);
      const json = (answer: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      const channel = String(body.channel ?? '');
      const text = body.text === undefined ? undefined : String(body.text);
      const metadata = body.metadata as SlackMetadata | undefined;
      if (method === 'chat.postMessage') {
        const post = { channel, ts: nextTs(), text, blocks: body.blocks, metadata, postedAt: Date.now() };
        (posts[channel] ??= []).push(post);
        if (state.hangPosts) return hang(res);
        const message = { type: 'message', bot_id: 'B0SWITCHBOARD', ts: post.ts, text };
        return json({ ok: true, channel, ts: post.ts, message });
      }
      if (method === 'chat.update') {
        const post = posts[channel]?.find((p) => p.ts === body.ts);
        if (post)
          Object.assign(post, { text }, body.blocks ? { blocks: body.blocks } : {}, metadata ? { metadata } : {});
        return json({ ok: true, channel, ts: body.ts, text });
      }
      if (method === 'conversations.history') return json(history(posts[channel] ?? [], body));
      if (method === 'auth.test') {
        const identity = { team: 'Switchboard Test', user: 'switchboard', team_id: 'T0SWITCH', user_id: 'U0SWITCH' };
        return json({ ok: true, url: 'https://switchboard-test.slack.com/', ...identity, bot_id: 'B0SWITCHBOARD' });
      }
      json({ ok: true, channel, ts: nextTs() });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return {
    calls,
    attempts,
    posts,
    state,
    env: {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_CHANNEL: 'C0EMERGENCY',
      SLACK_SIGNING_SECRET: 'slack-signing-secret',
      SLACK_API_URL: url,
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
