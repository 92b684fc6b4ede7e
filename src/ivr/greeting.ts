import type { RatePeriod } from '../calendar/index.js';
import { voiceUrl, type IvrDeps } from './context.js';
import type { Speech } from './prompts.js';
import { gather } from './twiml.js';

/** At most this many announcements are read to a caller (the newest), each cut to ANNOUNCEMENT_CHARS. */
export const ANNOUNCEMENTS_READ = 3;
export const ANNOUNCEMENT_CHARS = 400;

export function menuPrompt(deps: Pick<IvrDeps, 'speech'>, period: RatePeriod): string {
  return deps.speech.say(period === 'business' ? 'menu_open' : 'menu_closed');
}

/** A text cut to `max` characters: at the last sentence end in its second half, else at a word boundary. */
export function cutForSpeech(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max + 1);
  const sentences = [...head.matchAll(/[.!?](?=\s|$)/g)].map((m) => m.index + 1);
  const sentence = sentences.filter((i) => i <= max).at(-1) ?? 0;
  if (sentence >= max / 2) return text.slice(0, sentence);
  const space = head.lastIndexOf(' ');
  return text.slice(0, space > 0 ? space : max).trimEnd();
}

/**
 * The announcements a caller hears: the newest few, each cut short, and one line pointing to the status
 * page when anything was left out. However many are live, the menu is never more than a minute away.
 */
export function announcementsSpoken(speech: Speech, heard: { text: string }[]): string[] {
  const newest = heard.slice(-ANNOUNCEMENTS_READ);
  const read = newest.map((a) => cutForSpeech(a.text, ANNOUNCEMENT_CHARS));
  const leftOut = heard.length > newest.length || read.some((t, i) => t !== newest[i]!.text);
  return leftOut ? [...read, speech.say('announcements_more')] : read;
}

// The greeting depends only on the rate period and the announcements heard, and every call hears it:
// render each once (the announcements in force change rarely; the cache is emptied past a few hundred).
const greetings = new WeakMap<IvrDeps, Map<string, string>>();

/**
 * The welcome, the announcements and the menu, all inside the menu's <Gather>: a caller who knows what
 * they want presses a key at once, whatever is being read.
 */
export function greeting(deps: IvrDeps, period: RatePeriod, heard: { id: number; text: string }[] = []): string {
  let cache = greetings.get(deps);
  if (!cache) greetings.set(deps, (cache = new Map()));
  // An announcement's text never changes (it is taken down and posted anew), so its id names it.
  const key = heard.length ? `${period}|${heard.map((a) => a.id).join(',')}` : period;
  const cached = cache.get(key);
  if (cached) return cached;
  const s = deps.speech;
  const closed = {
    after_hours: 'closed_after_hours',
    weekend: 'closed_weekend',
    holiday: 'closed_holiday',
    business: undefined,
  } as const;
  const xml = gather(s, {
    prompts: [
      s.say('welcome', { org: deps.organisation.name }),
      ...announcementsSpoken(s, heard),
      ...(closed[period] ? [s.say(closed[period])] : []),
      menuPrompt(deps, period),
    ],
    action: voiceUrl(deps, 'menu', { try: 1 }),
    mode: 'key',
  });
  if (cache.size > 500) cache.clear();
  cache.set(key, xml);
  return xml;
}
