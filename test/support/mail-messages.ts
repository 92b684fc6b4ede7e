/** Raw RFC 822 messages as a mail client would send them, for delivery into the test IMAP server. */
export interface MessageSpec {
  from: string;
  to?: string;
  subject: string;
  /** Plain text; left out with `html` for an HTML-only message. */
  body?: string;
  html?: string;
  headers?: string[];
  /** Message-ID without brackets; default a fresh one. */
  id?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  /**
   * Whether the helpdesk's receiving server (RECEIVING_SERVER) vouches for the sender with an
   * Authentication-Results header on top (default true); false leaves the message unproven.
   */
  verified?: boolean;
}

/** The authserv-id of the helpdesk's receiving server in the tests' organisations (`email.authentication.trust`). */
export const RECEIVING_SERVER = 'mx.omnipotech.example';

/** The Authentication-Results header the receiving server adds above a message whose sender it verified. */
export function verifiedBy(from: string, server = RECEIVING_SERVER): string {
  const domain = (/<([^<>]+)>/.exec(from)?.[1] ?? from).split('@').pop()!.trim();
  return `Authentication-Results: ${server}; dkim=pass header.d=${domain} header.s=mail; dmarc=pass (p=reject) header.from=${domain}`;
}

let sequence = 0;

const base64Lines = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

export function message(m: MessageSpec): { id: string; raw: string } {
  const id = m.id ?? `m${++sequence}.${Date.now()}@acme.example`;
  const head = [
    ...(m.verified === false ? [] : [verifiedBy(m.from)]),
    `From: ${m.from}`,
    `To: ${m.to ?? 'support@omnipotech.example'}`,
    `Subject: ${m.subject}`,
    `Message-ID: <${id}>`,
    'Date: Tue, 24 Nov 2026 09:00:00 -0600',
    'MIME-Version: 1.0',
    ...(m.headers ?? []),
  ];
  const text = m.html
    ? ['Content-Type: text/html; charset=utf-8', '', m.html]
    : ['Content-Type: text/plain; charset=utf-8', '', m.body ?? ''];
  if (!m.attachments?.length) return { id, raw: [...head, ...text, ''].join('\r\n') };
  const boundary = `b-${id}`;
  const parts = [
    `--${boundary}`,
    ...text,
    ...m.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.contentType}; name="${a.filename}"`,
      `Content-Disposition: attachment; filename="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(a.content),
    ]),
    `--${boundary}--`,
    '',
  ];
  return { id, raw: [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n') };
}

/** A message's headers as one line each (folded headers and quoted-printable soft breaks joined). */
export const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ');
