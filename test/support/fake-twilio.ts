import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const AUTH_TOKEN = 'twilio-test-auth-token'; // the same token signs webhooks in test/support/phone.ts
/** The account's Messaging Service: a text created with it (and no From) goes from a number of its pool. */
export const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
export const SENDER_POOL = ['+12817684901', '+12817684902', '+12817684903'] as const;
/** Twilio names a default service on every text sent without one (since 2024), From number or not. */
const DEFAULT_SERVICE_SID = `MGdefa0170${'0'.repeat(24)}`;

export interface SentMessage {
  sid: string;
  to: string;
  /** The number it went from: the From asked for, or the pool number the Messaging Service picked. */
  from: string;
  /** The From the request named (none when it named a Messaging Service alone). */
  requestedFrom?: string;
  messagingServiceSid?: string;
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
  sendDigits?: string;
  receivedAt: number;
}
/** A transcript asked of a Conversational Intelligence service (intelligence.twilio.com/v2/Transcripts). */
export interface IntelligenceTranscript {
  sid: string;
  serviceSid: string;
  /** The recording it transcribes (the request's Channel media_properties.source_sid). */
  sourceSid: string;
  customerKey?: string;
  status: 'queued' | 'in-progress' | 'completed' | 'failed';
  sentences: string[];
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
/** A GET of a list (Messages.json, Calls.json, Recordings.json), as the service asked for it. */
export interface ListRequest {
  resource: 'Messages' | 'Calls' | 'Recordings';
  query: Record<string, string>;
  at: number;
}

/** What reaches the fault hook: a POSTed message or call, a list's GET, or a recording's audio. */
export type TwilioRequestKind = 'message' | 'call' | 'list' | 'audio' | 'transcript';

/**
 * A provider fault at the wire. Stored means the message/call is in `messages`/`calls` and listed.
 * - hold: store, then never answer (audio: headers and `bytes` of audio, default 16 KB, then stall);
 * - drop-before: destroy the socket, store nothing; drop-after: store, then destroy the socket;
 * - delay: store and answer normally after `ms`;
 * - break-after (audio): headers and `bytes` of audio, then destroy the socket mid-body.
 */
export type Fault =
  | { mode: 'hold'; bytes?: number }
  | { mode: 'drop-before' }
  | { mode: 'drop-after' }
  | { mode: 'delay'; ms: number }
  | { mode: 'break-after'; bytes: number };

/** A local HTTP server that answers like Twilio's REST API, for the real twilio SDK (TWILIO_API_URL). */
export interface FakeTwilio {
  url: string;
  env: Record<string, string>;
  messages: SentMessage[];
  calls: PlacedCall[];
  recordings: StoredRecording[];
  /** Transcripts asked for, oldest first; a test finishes one by setting its status and sentences. */
  transcripts: IntelligenceTranscript[];
  /** Decides per request whether to fail it (an outage, an opted-out recipient...). */
  failWith?: (kind: 'message' | 'call', to: string) => TwilioError | undefined;
  /** Decides per request whether it misbehaves at the wire; `form` is the POST's form or the GET's query. */
  fault?: (kind: TwilioRequestKind, form: Record<string, string>, path: string) => Fault | undefined;
  /** The clock `receivedAt` (and so date_created) comes from; a test on a fake clock can point it there. */
  now: () => number;
  /** Every request that reached the server, answered or not. */
  requests: number;
  /** Every list GET, oldest first (its length is how often the service asked). */
  listRequests: ListRequest[];
  /** Responses (or audio streams) the fake is holding open right now. */
  held: number;
  /** Recording audio: `bytes` pads the body to that size (0: just an ID3-fake-audio-of-RE… marker). */
  audio: { bytes: number; chunkBytes: number; pauseMs: number };
  /** Audio responses the client closed before their last byte (a viewer left; the service cancelled). */
  audioAborted: number;
  /** Audio responses sent to their last byte. */
  audioCompleted: number;
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
const base = `/2010-04-01/Accounts/${ACCOUNT_SID}`;

/**
 * A message as Twilio shows it. `created`: the answer to the POST, where a text sent through a Messaging
 * Service is only `accepted`, with no sender picked yet (no From, no segments); listed later, it is queued
 * with the pool number it goes from.
 */
function messageJson(m: SentMessage, created = false) {
  const date = new Date(m.receivedAt).toUTCString();
  const picking = created && m.messagingServiceSid !== undefined && m.requestedFrom === undefined;
  return {
    sid: m.sid,
    account_sid: ACCOUNT_SID,
    to: m.to,
    from: picking ? null : m.from,
    body: m.body,
    status: picking ? 'accepted' : 'queued',
    direction: 'outbound-api',
    num_segments: picking ? '0' : '1',
    num_media: '0',
    date_created: date,
    date_updated: date,
    date_sent: null,
    error_code: null,
    error_message: null,
    price: null,
    price_unit: 'USD',
    api_version: '2010-04-01',
    messaging_service_sid: m.messagingServiceSid ?? DEFAULT_SERVICE_SID,
    uri: `${base}/Messages/${m.sid}.json`,
    subresource_uris: { media: `${base}/Messages/${m.sid}/Media.json` },
  };
}

function callJson(c: PlacedCall) {
  const created = new Date(c.receivedAt).toUTCString();
  return {
    sid: c.sid,
    account_sid: ACCOUNT_SID,
    to: c.to,
    from: c.from,
    status: 'queued',
    direction: 'outbound-api',
    date_created: created,
    date_updated: created,
    start_time: null,
    end_time: null,
    duration: null,
    parent_call_sid: null,
    answered_by: null,
    price: null,
    price_unit: 'USD',
    api_version: '2010-04-01',
    uri: `${base}/Calls/${c.sid}.json`,
  };
}

/**
 * One page in Twilio's list envelope, newest first, filtered by To and From (the number a text went from:
 * a pool number for one sent through a Messaging Service); `Page` and `PageSize` page it. Messages also
 * filter on DateSent (`DateSent`, `DateSent<`, `DateSent>`), which a queued text has not got yet: these
 * texts stay queued, so such a filter leaves every one out, as Twilio leaves out texts still queued.
 */
function listPage<T extends { to: string; from: string; receivedAt: number }>(
  resource: 'Messages' | 'Calls',
  items: T[],
  query: URLSearchParams,
  render: (item: T) => unknown,
) {
  const to = query.get('To');
  const from = query.get('From');
  const bySentDate = resource === 'Messages' && ['DateSent', 'DateSent<', 'DateSent>'].some((k) => query.has(k));
  const matching = items
    .filter((i) => (!to || i.to === to) && (!from || i.from === from) && !bySentDate)
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.receivedAt - a.item.receivedAt || b.index - a.index)
    .map((x) => x.item);
  const pageSize = Math.min(Math.max(Number(query.get('PageSize')) || 50, 1), 1000);
  const page = Math.max(Number(query.get('Page')) || 0, 0);
  const uri = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    return `${base}/${resource}.json?${q}`;
  };
  const slice = matching.slice(page * pageSize, (page + 1) * pageSize);
  const more = (page + 1) * pageSize < matching.length;
  return {
    [resource.toLowerCase()]: slice.map((item) => render(item)),
    first_page_uri: uri(0),
    next_page_uri: more ? uri(page + 1) : null,
    previous_page_uri: page > 0 ? uri(page - 1) : null,
    page,
    page_size: pageSize,
    start: page * pageSize,
    end: page * pageSize + Math.max(slice.length - 1, 0),
    uri: uri(page),
  };
}

const transcriptJson = (t: IntelligenceTranscript) => ({
  sid: t.sid,
  account_sid: ACCOUNT_SID,
  service_sid: t.serviceSid,
  customer_key: t.customerKey ?? null,
  status: t.status,
  channel: { media_properties: { source_sid: t.sourceSid } },
  data_logging: false,
  language_code: null,
  date_created: new Date().toISOString(),
  date_updated: new Date().toISOString(),
  url: `/v2/Transcripts/${t.sid}`,
});

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const fake: FakeTwilio = {
    url: '',
    env: {},
    messages: [],
    calls: [],
    recordings: [],
    transcripts: [],
    now: () => Date.now(),
    requests: 0,
    listRequests: [],
    held: 0,
    audioAborted: 0,
    audioCompleted: 0,
    audio: { bytes: 0, chunkBytes: 16 * 1024, pauseMs: 5 },
    close: async () => {},
  };
  const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  const heldSockets = new Set<Socket>();
  // Sticky sender: a recipient keeps the pool number they were first texted from.
  const stickySenders = new Map<string, string>();
  const poolNumberFor = (to: string) => {
    if (!stickySenders.has(to)) stickySenders.set(to, SENDER_POOL[stickySenders.size % SENDER_POOL.length]!);
    return stickySenders.get(to)!;
  };
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  const later = (ms: number, run: () => void) => {
    const t = setTimeout(() => (timers.delete(t), run()), ms);
    timers.add(t);
  };
  /** Keeps a response open without answering until the client gives up or the fake closes. */
  const hold = (res: ServerResponse) => {
    const socket = res.socket;
    if (!socket) return;
    heldSockets.add(socket);
    fake.held++;
    res.on('close', () => (heldSockets.delete(socket), fake.held--));
  };

  function streamAudio(res: ServerResponse, recordingSid: string, fault: Fault | undefined) {
    const marker = Buffer.from(`ID3-fake-audio-of-${recordingSid}`);
    const padding = Math.max(fake.audio.bytes - marker.length, 0);
    const body = padding ? Buffer.concat([marker, Buffer.alloc(padding, 0x55)]) : marker;
    const stopAt =
      fault?.mode === 'break-after'
        ? Math.min(fault.bytes, body.length - 1)
        : fault?.mode === 'hold'
          ? Math.min(fault.bytes ?? 16 * 1024, body.length - 1)
          : body.length;
    let breaking = false;
    res.on('close', () => {
      if (res.writableFinished) fake.audioCompleted++;
      else if (!breaking && !closing) fake.audioAborted++;
    });
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(body.length) });
    res.flushHeaders();
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      if (sent >= stopAt) {
        if (stopAt === body.length) return void res.end();
        if (fault?.mode === 'break-after') return void ((breaking = true), res.destroy());
        return hold(res);
      }
      const chunk = body.subarray(sent, Math.min(sent + fake.audio.chunkBytes, stopAt));
      sent += chunk.length;
      res.write(chunk);
      if (sent < stopAt && fake.audio.pauseMs > 0) later(fake.audio.pauseMs, next);
      else next();
    };
    next();
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    fake.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    /** Answers as `fault` says: at once, later, never, or by cutting the connection. */
    const answer = (fault: Fault | undefined, status: number, body: unknown) => {
      if (fault?.mode === 'hold') return hold(res);
      if (fault?.mode === 'drop-after' || fault?.mode === 'break-after') return void req.socket.destroy();
      if (fault?.mode === 'delay') return later(fault.ms, () => json(status, body));
      json(status, body);
    };
    if (req.headers.authorization !== expectedAuth) {
      return json(401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    const fail = (e: TwilioError, fault?: Fault) => {
      const more_info = `https://www.twilio.com/docs/errors/${e.code}`;
      answer(fault, e.status, { code: e.code, message: e.message, more_info, status: e.status });
    };

    // Messages, Calls or Recordings for …/Messages.json and the like; '' for anything else.
    const resource = url.pathname.startsWith(`${base}/`)
      ? url.pathname.slice(base.length + 1).replace(/\.json$/, '')
      : '';
    if (req.method === 'POST' && (resource === 'Messages' || resource === 'Calls')) {
      const kind = resource === 'Messages' ? 'message' : 'call';
      const form = await readForm(req);
      const fault = fake.fault?.(kind, form, url.pathname);
      if (fault?.mode === 'drop-before') return void req.socket.destroy();
      const error = fake.failWith?.(kind, form.To!);
      if (error) return fail(error, fault);
      if (kind === 'message') {
        const service = form.MessagingServiceSid;
        if (!form.From && !service)
          return fail({ status: 400, code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required" });
        const m: SentMessage = {
          sid: sid('SM'),
          to: form.To!,
          from: form.From ?? poolNumberFor(form.To!),
          ...(form.From ? { requestedFrom: form.From } : {}),
          ...(service ? { messagingServiceSid: service } : {}),
          body: form.Body!,
          statusCallback: form.StatusCallback,
          receivedAt: fake.now(),
        };
        fake.messages.push(m);
        return answer(fault, 201, messageJson(m, true));
      }
      const c = { sid: sid('CA'), to: form.To!, from: form.From!, url: form.Url!, receivedAt: fake.now() };
      fake.calls.push({ ...c, machineDetection: form.MachineDetection, sendDigits: form.SendDigits });
      return answer(fault, 201, callJson(c));
    }

    if (req.method === 'GET' && (resource === 'Messages' || resource === 'Calls' || resource === 'Recordings')) {
      const query = Object.fromEntries(url.searchParams);
      fake.listRequests.push({ resource, query, at: Date.now() });
      const fault = fake.fault?.('list', query, url.pathname);
      if (fault?.mode === 'drop-before') return void req.socket.destroy();
      const { searchParams } = url;
      if (resource === 'Messages')
        return answer(fault, 200, listPage('Messages', fake.messages, searchParams, messageJson));
      if (resource === 'Calls') return answer(fault, 200, listPage('Calls', fake.calls, searchParams, callJson));
      const after = url.searchParams.get('DateCreated>');
      const since = after ? new Date(after) : undefined;
      const list = fake.recordings.filter((r) => !since || r.createdAt >= since);
      const recordings = list.map((r) => ({
        ...{
          sid: r.sid,
          account_sid: ACCOUNT_SID,
          call_sid: r.callSid,
          duration: String(r.duration),
          status: 'completed',
        },
        ...{ date_created: r.createdAt.toUTCString(), uri: `${base}/Recordings/${r.sid}.json` },
      }));
      const envelope = { first_page_uri: `${base}/Recordings.json?PageSize=50&Page=0`, next_page_uri: null, page: 0 };
      return answer(fault, 200, { recordings, ...envelope, page_size: 50, uri: `${base}/Recordings.json` });
    }
    const call = /^\/2010-04-01\/Accounts\/AC\w+\/Calls\/(CA\w+)\.json$/.exec(url.pathname);
    if (req.method === 'GET' && call) {
      const rec = fake.recordings.find((r) => r.callSid === call[1]);
      if (rec)
        return json(200, {
          sid: call[1],
          account_sid: ACCOUNT_SID,
          from: rec.from,
          to: '+12817684800',
          status: 'completed',
        });
      const placed = fake.calls.find((c) => c.sid === call[1]);
      return placed ? json(200, callJson(placed)) : fail({ status: 404, code: 20404, message: 'not found' });
    }
    // Conversational Intelligence: transcripts of recordings, and their sentences once completed.
    if (req.method === 'POST' && url.pathname === '/v2/Transcripts') {
      const form = await readForm(req);
      const fault = fake.fault?.('transcript', form, url.pathname);
      if (fault?.mode === 'drop-before') return void req.socket.destroy();
      const channel = JSON.parse(form.Channel ?? '{}') as { media_properties?: { source_sid?: string } };
      const sourceSid = channel.media_properties?.source_sid;
      if (!form.ServiceSid || !sourceSid)
        return fail({ status: 400, code: 20001, message: 'ServiceSid and a Channel with a source_sid are required' });
      const t: IntelligenceTranscript = {
        sid: sid('GT'),
        serviceSid: form.ServiceSid,
        sourceSid,
        customerKey: form.CustomerKey,
        status: 'queued',
        sentences: [],
      };
      fake.transcripts.push(t);
      return answer(fault, 201, transcriptJson(t));
    }
    const transcript = /^\/v2\/Transcripts\/(GT\w+)(\/Sentences)?$/.exec(url.pathname);
    if (req.method === 'GET' && transcript) {
      const t = fake.transcripts.find((x) => x.sid === transcript[1]);
      if (!t) return fail({ status: 404, code: 20404, message: 'not found' });
      if (!transcript[2]) return json(200, transcriptJson(t));
      const sentences = t.sentences.map((text, i) => ({
        media_channel: 1,
        sentence_index: i,
        start_time: String(i * 3),
        end_time: String(i * 3 + 3),
        transcript: text,
        sid: `GX${String(i).padStart(32, '0')}`,
        confidence: '0.9',
        words: [],
      }));
      const uri = `${fake.url}/v2/Transcripts/${t.sid}/Sentences?PageSize=1000&Page=0`;
      return json(200, {
        sentences,
        meta: {
          page: 0,
          page_size: 1000,
          first_page_url: uri,
          previous_page_url: null,
          url: uri,
          next_page_url: null,
          key: 'sentences',
        },
      });
    }
    const audio = /^\/2010-04-01\/Accounts\/AC\w+\/Recordings\/(RE\w+)\.mp3$/.exec(url.pathname);
    if (req.method === 'GET' && audio) {
      const fault = fake.fault?.('audio', { RecordingSid: audio[1]! }, url.pathname);
      if (fault?.mode === 'drop-before') return void req.socket.destroy();
      if (fault?.mode === 'delay') return later(fault.ms, () => streamAudio(res, audio[1]!, undefined));
      return streamAudio(res, audio[1]!, fault);
    }
    fail({ status: 404, code: 20404, message: `no fake for ${req.method} ${url.pathname}` });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.env = {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: '+12817684800',
    TWILIO_API_URL: fake.url,
  };
  fake.close = () =>
    new Promise((resolve) => {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of heldSockets) s.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}
