import { threadOf } from './message.js';

/**
 * Splits a fetched batch into lanes: messages that must be taken in order share one. One sender's
 * messages (their hourly ticket limit and refusal notice depend on what came before), and a message and
 * the replies to it in the same batch (a reply-all from a colleague must find the ticket the first
 * message opens). Lanes may be taken side by side, each in mailbox order.
 */
export function lanesOf(messages: { uid: number; head: Buffer }[]): number[][] {
  const lane = new Map<number, number>(messages.map(({ uid }) => [uid, uid]));
  const find = (uid: number): number => {
    let root = uid;
    while (lane.get(root) !== root) root = lane.get(root)!;
    lane.set(uid, root);
    return root;
  };
  const join = (a: number, b: number) => lane.set(find(b), find(a));
  const firstBy = new Map<string, number>();
  for (const { uid, head } of messages) {
    const { from, messageId, answers } = threadOf(head);
    for (const key of [from && `from:${from}`, ...answers.map((id) => `id:${id}`)])
      if (key && firstBy.has(key)) join(firstBy.get(key)!, uid);
    for (const key of [from && `from:${from}`, messageId && `id:${messageId}`])
      if (key && !firstBy.has(key)) firstBy.set(key, uid);
  }
  const lanes = new Map<number, number[]>();
  for (const { uid } of messages) {
    const root = find(uid);
    if (lanes.has(root)) lanes.get(root)!.push(uid);
    else lanes.set(root, [uid]);
  }
  return [...lanes.values()];
}
