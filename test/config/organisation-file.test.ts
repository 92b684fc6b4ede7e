import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readOrganisationFile } from '../../src/config/index.js';
import { CONTRACT_YAML } from '../support/organisation.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
let n = 0;

function fileWith(patch: (doc: any) => void, ext = 'yaml'): string {
  const doc = parse(CONTRACT_YAML);
  patch(doc);
  const path = join(dir, `org-${++n}.${ext}`);
  writeFileSync(path, ext === 'json' ? JSON.stringify(doc, null, 2) : JSON.stringify(doc));
  return path;
}

function problemsOf(patch: (doc: any) => void): string[] {
  const result = readOrganisationFile(fileWith(patch));
  if (result.ok) throw new Error('expected the file to be refused');
  return result.problems;
}

describe('the organisation file', () => {
  it('reads the contract example, normalising phones to E.164', () => {
    const path = join(dir, 'contract.yaml');
    writeFileSync(path, CONTRACT_YAML);
    const result = readOrganisationFile(path);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.timezone).toBe('America/Chicago');
    expect(result.value.businessHours.monday).toEqual([
      { start: 540, end: 750 },
      { start: 900, end: 1020 },
    ]);
    expect(result.value.escalation.ackTimeoutMs).toBe(600_000);
  });

  it('reads JSON too, and normalises a local-format phone', () => {
    const result = readOrganisationFile(fileWith((d) => (d.staff[0].phone = '(281) 768-4801'), 'json'));
    expect(result.ok && result.value.staff[0]!.phone).toBe('+12817684801');
  });

  it.each([
    [
      'an unknown time zone',
      (d: any) => (d.organization.timezone = 'America/Chicgo'),
      'organization.timezone: "America/Chicgo" is not a known IANA time zone',
    ],
    [
      'a window that ends before it starts',
      (d: any) => (d.business_hours.tuesday = ['18:00-09:00']),
      'business_hours.tuesday[0]: "18:00-09:00" ends before it starts',
    ],
    [
      'an hour past 24',
      (d: any) => (d.business_hours.tuesday = ['25:00-26:00']),
      'business_hours.tuesday[0]: "25:00-26:00" is not a window like "09:00-17:00"',
    ],
    [
      'overlapping windows',
      (d: any) => (d.business_hours.monday = ['09:00-12:30', '12:00-17:00']),
      'business_hours.monday: windows 09:00-12:30 and 12:00-17:00 overlap',
    ],
    [
      'a rotation naming nobody',
      (d: any) => (d.on_call.rotation = ['erin', 'zoe']),
      'on_call.rotation[1]: "zoe" is not the id of anyone under staff',
    ],
    ['duplicate staff ids', (d: any) => (d.staff[2].id = 'erin'), 'staff[2].id: "erin" is used twice (also staff[0])'],
    [
      'a phone that is not a number',
      (d: any) => (d.staff[2].phone = '555-CALL'),
      'staff[2].phone: "555-CALL" is not a valid phone number',
    ],
    [
      'a phone that is too short',
      (d: any) => (d.organization.helpdesk_number = '+1555'),
      'organization.helpdesk_number: "+1555" is not a valid phone number',
    ],
    [
      'a malformed duration',
      (d: any) => (d.escalation.ack_timeout = 'ten minutes'),
      'escalation.ack_timeout: "ten minutes" is not a duration like 30s, 10m, 2h',
    ],
    [
      'an unknown role',
      (d: any) => (d.staff[0].role = 'boss'),
      'staff[0].role: must be one of engineer, architect, office',
    ],
    ['a missing name', (d: any) => delete d.organization.name, 'organization.name: is required'],
    [
      'a holiday that is not a date',
      (d: any) => (d.holidays = ['2026-02-30']),
      'holidays[0]: is not a real calendar date',
    ],
  ])('refuses %s, naming the field', (_what, patch, expected) => {
    const problems = problemsOf(patch);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(problems[0]).toMatch(/^organisation file .*org-\d+\.yaml: /);
  });

  it('lists every problem, one line each', () => {
    const problems = problemsOf((d) => {
      d.organization.timezone = 'Nowhere/Land';
      d.business_hours.friday = ['09:00-17:00', '16:00-18:00'];
      d.escalation.ack_timeout = '5 minutes';
    });
    expect(problems).toHaveLength(3);
  });

  it('stops at a key it does not know, naming it and the key meant', () => {
    expect(
      problemsOf((d) => {
        d.service_line = [];
        d.suport_levels = {};
        d.escalation.ack_timout = '5m';
        d.staff[0].landlin = true;
      }).map((p) => p.replace(/^organisation file \S+: /, '')),
    ).toEqual([
      'staff[0].landlin: is not a setting (did you mean "landline"?)',
      'escalation.ack_timout: is not a setting (did you mean "ack_timeout"?)',
      'service_line: is not a setting (did you mean "service_lines"?)',
      'suport_levels: is not a setting (did you mean "support_levels"?)',
    ]);
    expect(problemsOf((d) => (d.colour = 'blue'))[0]).toMatch(/colour: is not a setting \(known here: organization, /);
  });

  it('reads service lines, support levels, landlines and the daily line test', () => {
    const path = fileWith((d) => {
      d.staff[0].landline = true;
      d.service_lines = [
        {
          id: 'software',
          name: 'Software support',
          on_call: { rotation: ['erin', 'alan'], handoff: 'monday 09:00' },
          architects: ['alan'],
        },
        {
          id: 'noc',
          name: 'Network operations',
          on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' },
          live_connect: true,
        },
      ];
      d.support_levels = {
        standard: { after_hours_emergency: 'billable' },
        premium: { after_hours_emergency: 'included', sla: { critical: '2h', high: '8h' } },
        basic: { after_hours_emergency: 'none' },
      };
      d.self_test = { at: '07:00', from: '+15550209999' };
      d.email = { addresses: [{ address: 'noc@example.com', line: 'noc' }] };
    });
    const result = readOrganisationFile(path);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const org = result.value;
    expect(org.staff[0]!.landline).toBe(true);
    expect(org.serviceLines.map((l) => [l.id, l.onCall.rotation, l.liveConnect])).toEqual([
      ['software', ['erin', 'alan'], false],
      ['noc', ['ed'], true],
    ]);
    expect(org.supportLevels.map((l) => [l.name, l.afterHoursEmergency, l.sla.critical, l.sla.medium])).toEqual([
      ['standard', 'billable', 4 * 3_600_000, 48 * 3_600_000],
      ['premium', 'included', 2 * 3_600_000, 48 * 3_600_000],
      ['basic', 'none', 4 * 3_600_000, 48 * 3_600_000],
    ]);
    expect(org.selfTest).toEqual({ atMinutes: 7 * 60, from: '+15550209999' });
  });

  it('checks that service lines name staff, and email addresses name lines', () => {
    const problems = problemsOf((d) => {
      d.service_lines = [
        { id: 'noc', name: 'Network operations', on_call: { rotation: ['nora'], shift: 'daily', handoff: '08:00' } },
      ];
      d.email = { addresses: [{ address: 'support@example.com', line: 'software' }] };
      d.support_levels = { gold: { after_hours_emergency: 'sometimes' } };
    }).map((p) => p.replace(/^organisation file \S+: /, ''));
    expect(problems).toEqual(['support_levels.gold.after_hours_emergency: must be one of included, billable, none']);
    const second = problemsOf((d) => {
      d.service_lines = [
        { id: 'noc', name: 'Network operations', on_call: { rotation: ['nora'], shift: 'daily', handoff: '08:00' } },
      ];
      d.email = { addresses: [{ address: 'support@example.com', line: 'software' }] };
    }).map((p) => p.replace(/^organisation file \S+: /, ''));
    expect(second).toEqual([
      'service_lines[0].on_call.rotation[0]: "nora" is not the id of anyone under staff',
      'email.addresses[0].line: "software" is not the id of a service line (noc)',
    ]);
  });

  it('refuses a self_test.from that is a staff member’s phone or the helpdesk number, naming the field', () => {
    const staff = problemsOf((d) => (d.self_test = { at: '07:00', from: '+15550200003' })).map((p) =>
      p.replace(/^organisation file \S+: /, ''),
    );
    expect(staff).toEqual([
      'self_test.from: "+15550200003" is also the phone of Ed Engineer (staff); the line test needs a number nobody calls from',
    ]);
    const helpdesk = problemsOf((d) => (d.self_test = { at: '07:00', from: '+12817684800' })).map((p) =>
      p.replace(/^organisation file \S+: /, ''),
    );
    expect(helpdesk).toEqual([
      'self_test.from: "+12817684800" is the helpdesk number itself; the line test needs a second number',
    ]);
  });

  it('explains a missing file and broken YAML', () => {
    const missing = readOrganisationFile(join(dir, 'nope.yaml'));
    expect(!missing.ok && missing.problems[0]).toMatch(/nope\.yaml: cannot be read \(no such file\)/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'organization:\n  name: "unclosed\n  timezone: x\n');
    const result = readOrganisationFile(broken);
    expect(!result.ok && result.problems[0]).toMatch(/broken\.yaml: is not valid YAML at line \d+/);
  });
});
