import { XMLParser } from 'fast-xml-parser';

export interface Verb {
  verb: string;
  attrs: Record<string, string>;
  text: string;
  children: Verb[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
});

function toVerbs(nodes: any[]): Verb[] {
  const verbs: Verb[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '?xml') continue;
    const inner: any[] = node[name];
    verbs.push({
      verb: name,
      attrs: node[':@'] ?? {},
      text: inner
        .filter((n) => '#text' in n)
        .map((n) => String(n['#text']))
        .join(''),
      children: toVerbs(inner),
    });
  }
  return verbs;
}

/** The verbs of a TwiML <Response>, in order. */
export function parseTwiml(xml: string): Verb[] {
  const doc = parser.parse(xml) as any[];
  const response = doc.find((n) => 'Response' in n);
  if (!response) throw new Error(`not TwiML: ${xml.slice(0, 200)}`);
  return toVerbs(response.Response);
}

/** Everything a caller would hear, in order (including prompts inside <Gather>). */
export function spoken(verbs: Verb[]): string {
  return verbs
    .flatMap((v) => (v.verb === 'Say' ? [v.text] : v.verb === 'Gather' ? [spoken(v.children)] : []))
    .filter(Boolean)
    .join(' ');
}
