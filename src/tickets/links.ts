import { signLink } from '../http/signed-links.js';

/** How long the acknowledgement link in a page works. */
const ACK_LINK_DAYS = 7;

/** The link with which a person paged about a ticket takes it (opening it shows a button; pressing it takes the ticket). */
export function ackLink(publicUrl: string, secret: string, ticketId: number, staffId: string, now: Date): string {
  const token = signLink(secret, `ack:${staffId}`, ticketId, new Date(now.getTime() + ACK_LINK_DAYS * 86_400_000));
  return `${publicUrl}/ack/${ticketId}/${encodeURIComponent(staffId)}?t=${token}`;
}
