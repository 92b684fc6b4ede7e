import { EN } from './words-en.js';
import { IT } from './words-it.js';
import { RU } from './words-ru.js';
import type { Words } from './words.js';

/** The portal's words in the organisation's language (`organization.language`): Italian, Russian, else English. */
export function wordsOf(language: string): Words {
  const base = language.slice(0, 2).toLowerCase();
  return base === 'it' ? IT : base === 'ru' ? RU : EN;
}
