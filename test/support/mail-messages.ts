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
}

let sequence = 0;

const base64Lines = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

export function message(m: MessageSpec): { id: string; raw: string } {
  const id = m.id ?? `m${++sequence}.${Date.now()}@acme.example`;
  const head = [
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
