import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTwiml, spoken } from '../support/twiml.js';

describe('the static fallback document in twiml/', () => {
  const fallback = parseTwiml(readFileSync('twiml/fallback.xml', 'utf8'));
  const done = parseTwiml(readFileSync('twiml/fallback-done.xml', 'utf8'));

  it('apologises and records a voicemail whose action leads to a goodbye, never back to itself', () => {
    expect(spoken(fallback)).toContain('our phone system is having trouble right now');
    const record = fallback.find((v) => v.verb === 'Record')!;
    expect(record.attrs).toMatchObject({ action: 'fallback-done.xml', maxLength: '180', finishOnKey: '#' });
    expect(done.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    expect(spoken(done)).toContain('We have your message');
  });
});
