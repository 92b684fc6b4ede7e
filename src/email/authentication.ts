import type { Readable } from 'node:stream';
import type { DNSResolver } from 'mailauth';
import { getDomain } from 'tldts';

/** Whether a message's From address is proven, and how that was decided (for staff and the log). */
export interface Verdict {
  verified: boolean;
  why: string;
}

export type { DNSResolver };

const organisational = (domain: string) => getDomain(domain, { allowPrivateDomains: true }) ?? domain;
/** Relaxed alignment (DMARC's default): the two domains share their organisational domain. */
const aligned = (a: string, b: string) => organisational(a.toLowerCase()) === organisational(b.toLowerCase());

/** An Authentication-Results value (RFC 8601) without its comments: the authserv-id, then each method's result and properties. */
function readResults(value: string): {
  authservId: string;
  results: { method: string; result: string; props: Record<string, string> }[];
} {
  let plain = '';
  let depth = 0;
  let quoted = false;
  for (const ch of value) {
    if (ch === '"' && depth === 0) quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && depth > 0) depth--;
    else if (depth === 0) plain += ch;
  }
  const [id = '', ...rest] = plain.split(';');
  const results = rest.flatMap((part) => {
    const words = part.trim().split(/\s+/).filter(Boolean);
    const head = /^([a-z0-9-]+)\s*=\s*([a-z]+)$/i.exec(words[0] ?? '');
    if (!head) return [];
    const props: Record<string, string> = {};
    for (const w of words.slice(1)) {
      const p = /^([a-z0-9-]+\.[a-z0-9-]+)=(.+)$/i.exec(w);
      if (p) props[p[1]!.toLowerCase()] = p[2]!.replace(/^"|"$/g, '').toLowerCase();
    }
    return [{ method: head[1]!.toLowerCase(), result: head[2]!.toLowerCase(), props }];
  });
  return { authservId: (id.trim().split(/\s+/)[0] ?? '').toLowerCase(), results };
}

/**
 * The receiving server's verdict: the topmost Authentication-Results header carrying its authserv-id
 * (it writes its own above everything the sender wrote; any other such header is the sender's text).
 * `dmarc=pass`, or `dkim=pass` for a domain aligned with the From domain, verifies the sender.
 */
export function verdictOfResults(headers: string[], trust: string, fromDomain: string): Verdict {
  const mine = headers.map(readResults).find((h) => h.authservId === trust.toLowerCase());
  if (!mine) return { verified: false, why: `no Authentication-Results from ${trust}` };
  const dmarcResult = mine.results.find((r) => r.method === 'dmarc');
  if (dmarcResult?.result === 'pass') {
    const checked = dmarcResult.props['header.from'];
    if (!checked || checked === fromDomain.toLowerCase()) return { verified: true, why: `dmarc=pass (${trust})` };
  }
  const dkim = mine.results.find((r) => {
    if (r.method !== 'dkim' || r.result !== 'pass') return false;
    const d = r.props['header.d'] ?? r.props['header.i']?.split('@').pop();
    return Boolean(d) && aligned(d!, fromDomain);
  });
  if (dkim)
    return { verified: true, why: `dkim=pass header.d=${dkim.props['header.d'] ?? dkim.props['header.i']} (${trust})` };
  const said = mine.results
    .filter((r) => r.method === 'dmarc' || r.method === 'dkim')
    .map((r) => `${r.method}=${r.result}`)
    .join(' ');
  return { verified: false, why: `${said || 'no DKIM or DMARC result'} (${trust})` };
}

/**
 * Without a receiving server to trust, DKIM and DMARC are checked here: a DMARC pass where the domain
 * publishes a policy, else a valid DKIM signature of a domain aligned with the From domain. SPF needs the
 * connecting address, which a mailbox does not keep, so it is not checked. A DNS failure verifies nothing.
 */
export async function verifyItself(raw: Readable, fromDomain: string, resolver?: DNSResolver): Promise<Verdict> {
  try {
    // Loaded only where a message must be checked here (no trusted receiving server).
    const { dkimVerify, dmarc } = await import('mailauth');
    const dkim = await dkimVerify(raw, resolver ? { resolver } : {});
    const passed = dkim.results.filter((r) => r.status.result === 'pass');
    const policy = await dmarc({
      headerFrom: dkim.headerFrom,
      spfDomains: [],
      dkimDomains: passed.map((r) => ({ id: r.id, domain: r.signingDomain, aligned: Boolean(r.status.aligned) })),
      ...(resolver ? { resolver } : {}),
    });
    const outcome = policy ? policy.status.result : 'none';
    if (outcome === 'pass') return { verified: true, why: 'dmarc=pass' };
    if (outcome !== 'none') return { verified: false, why: `dmarc=${outcome}` };
    const signer = passed.find((r) => aligned(r.signingDomain, fromDomain));
    if (signer) return { verified: true, why: `dkim=pass header.d=${signer.signingDomain}` };
    const tried = dkim.results.map((r) => `dkim=${r.status.result} header.d=${r.signingDomain}`).join(', ');
    return { verified: false, why: tried || 'no DKIM signature' };
  } catch (err) {
    return { verified: false, why: `could not check DKIM: ${err instanceof Error ? err.message : String(err)}` };
  }
}
