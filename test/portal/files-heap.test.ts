import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtp } from '../support/fake-mail-chat.js';
import { CONTRACT_YAML } from '../support/organisation.js';
import { attachmentLinks, postForm, signInOverHttp, type PortalContact } from '../support/portal-http.js';
import { DEPLOYED_HEAP, startService, stopServices, type ServiceProcess } from '../support/service-process.js';

/**
 * A client's own files against the service as deployed: its own process at the deployed heap (128 MB). A
 * contact who downloads their files many at a time, or uploads beside it, must not end the process: while
 * it is down no call is answered and no page goes out. Files are kept as bytes and streamed a chunk at a
 * time, so however many transfers run, each holds about one chunk.
 */
const TOKEN = 'files-heap-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The service's resident memory now and at its peak, in MB (Linux's /proc). */
const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: mb('VmRSS'), peak: mb('VmHWM') };
};

describe('a contact’s files, with the service at its deployed heap', async () => {
  const smtp = await startSmtp();
  let service: ServiceProcess;
  let dana: PortalContact;
  let ticket = 0;
  const files = [
    { name: 'capture-1.pcap', content: randomBytes(10 * 1024 * 1024) },
    { name: 'capture-2.pcap', content: randomBytes(10 * 1024 * 1024) },
    { name: 'screen.png', content: randomBytes(5 * 1024 * 1024) },
  ];
  const byName = new Map(files.map((f) => [f.name, sha(f.content)]));
  afterAll(async () => {
    await stopServices();
    await smtp.close();
  });

  const download = async (path: string) => {
    const res = await fetch(`${service.url}${path}`, { headers: { cookie: dana.cookie } });
    const name = /filename="?([^";]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    const body = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, name, hash: sha(body), text: res.status === 200 ? '' : Buffer.from(body).toString() };
  };
  const alive = async () => {
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
  };

  it('starts, and a contact attaches 10 + 10 + 5 MB to a new ticket', async () => {
    service = await startService({
      orgYaml: CONTRACT_YAML,
      env: { API_TOKEN: TOKEN, ...smtp.env },
      nodeArgs: DEPLOYED_HEAP,
      startTimeoutMs: 60_000,
    });
    const client = await fetch(`${service.url}/api/clients`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Acme Dental',
        supportCode: '4417',
        contacts: [{ name: 'Dana Dentist', email: 'dana@acme.example' }],
      }),
    });
    expect(client.status).toBe(201);
    dana = await signInOverHttp(service.url, smtp, 'dana@acme.example');
    const opened = await postForm(
      service.url,
      dana,
      '/portal/tickets',
      { subject: 'Network captures from the outage', body: 'Three files.', priority: 'high' },
      files,
    );
    expect(opened.status).toBe(303);
    ticket = Number(/\/portal\/tickets\/(\d+)$/.exec(opened.headers.get('location') ?? '')?.[1]);
    expect(ticket).toBeGreaterThan(0);
  });

  // Files move at the pace a client is allowed (8 MB/s): two rounds of twelve are about 25 s.
  it('serves twelve downloads at a time for two rounds, each whole and exact, and stays up', async () => {
    const links = await attachmentLinks(service.url, dana, ticket);
    expect(links).toHaveLength(3);
    const pid = service.pid;
    const before = memoryOf(pid).rss;
    for (let round = 0; round < 2; round++) {
      const got = await Promise.all(Array.from({ length: 12 }, (_, i) => download(links[i % 3]!)));
      for (const g of got) {
        expect(g.status, g.text.slice(0, 300)).toBe(200);
        expect(g.hash).toBe(byName.get(g.name!));
      }
    }
    await alive();
    expect(service.pid).toBe(pid);
    // Each download holds about a chunk: the flood adds tens of MB at most, not a copy of every file in flight
    // (base64 text held whole took the peak from ~165 MB to ~360 MB in this very flood).
    expect(memoryOf(pid).peak - before).toBeLessThan(110);
  }, 120_000);

  it('takes three upload loops beside ten downloads at a time, and stays up', async () => {
    const links = await attachmentLinks(service.url, dana, ticket);
    const statuses: number[] = [];
    const uploads = Array.from({ length: 3 }, async (_, loop) => {
      for (let i = 0; i < 2; i++) {
        const res = await postForm(
          service.url,
          dana,
          `/portal/tickets/${ticket}/replies`,
          { body: `Loop ${loop}.${i}` },
          [files[0]!, files[1]!, files[2]!],
        );
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    });
    const downloads = (async () => {
      for (let round = 0; round < 1; round++) {
        const got = await Promise.all(Array.from({ length: 10 }, (_, i) => download(links[i % 3]!)));
        for (const g of got) if (g.status === 200) expect(g.hash).toBe(byName.get(g.name!));
      }
    })();
    await Promise.all([...uploads, downloads]);
    // Each upload is taken whole, or refused as busy (two a client at a time): never half-kept.
    expect(statuses.every((s) => s === 303 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 303).length).toBeGreaterThan(0);
    await alive();
    const exitedEarly = await Promise.race([service.exited.then(() => true), Promise.resolve(false)]);
    expect(exitedEarly).toBe(false);
  }, 180_000);
});
