import { parse } from 'yaml';
import { parseOrganisation, type Organisation } from '../../src/config/index.js';

/** The contract's example organisation, as YAML text tests can vary. */
export const CONTRACT_YAML = `
organization:
  name: Omnipotech
  timezone: America/Chicago
  helpdesk_number: "+12817684800"
business_hours:
  monday: ["09:00-12:30", "15:00-17:00"]
  tuesday: ["09:00-18:00"]
  wednesday: ["09:00-17:00"]
  thursday: ["09:00-17:00"]
  friday: ["09:00-17:00"]
holidays: ["2026-12-25", "2027-01-01"]
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "+15550200001", email: erin@example.com, slack: U0123 }
  - { id: ed, name: Ed Engineer, role: engineer, phone: "+15550200003", email: ed@example.com }
  - { id: alan, name: Alan Architect, role: architect, phone: "+15550200002", email: alan@example.com }
  - { id: olive, name: Olive Office, role: office, phone: "+15550200004", email: olive@example.com }
on_call:
  rotation: [erin, ed]
  shift: weekly
  handoff: "monday 09:00"
escalation:
  ack_timeout: 10m
`;

export function organisationFrom(yaml: string = CONTRACT_YAML, patch: (doc: any) => void = () => {}): Organisation {
  const doc = parse(yaml);
  patch(doc);
  const parsed = parseOrganisation(doc);
  if (!parsed.ok) throw new Error(`test organisation is invalid:\n${parsed.problems.join('\n')}`);
  return parsed.value;
}
