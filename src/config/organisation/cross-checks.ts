import type { z } from 'zod';
import type { OrganisationFile } from './file.js';
import type { OnCallRotation } from './on-call.js';

/**
 * What ties one section to another: staff ids are unique and every rotation and line names them,
 * line ids are unique and email addresses name them, and the line test's number is nobody's.
 */
export function crossSectionChecks(file: OrganisationFile, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  file.staff.forEach((s, i) => {
    const first = seen.get(s.id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['staff', i, 'id'],
        message: `"${s.id}" is used twice (also staff[${first}])`,
      });
    } else seen.set(s.id, i);
  });
  const checkRotation = (r: OnCallRotation, path: (string | number)[]) => {
    r.rotation.forEach((id, i) => {
      if (!seen.has(id))
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'rotation', i],
          message: `"${id}" is not the id of anyone under staff`,
        });
    });
    if (r.shift === 'weekly' && r.handoff.weekday === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'handoff'],
        message: 'a weekly shift needs a day, like "monday 09:00"',
      });
  };
  checkRotation(file.on_call, ['on_call']);
  const lines = new Set<string>();
  file.service_lines.forEach((line, i) => {
    if (lines.has(line.id))
      ctx.addIssue({ code: 'custom', path: ['service_lines', i, 'id'], message: `"${line.id}" is used twice` });
    lines.add(line.id);
    checkRotation(line.onCall, ['service_lines', i, 'on_call']);
    line.architects?.forEach((id, j) => {
      if (!seen.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['service_lines', i, 'architects', j],
          message: `"${id}" is not the id of anyone under staff`,
        });
    });
  });
  // Calls from the test number are greeted as test calls and never logged or paged: it must be nobody's phone.
  const testFrom = file.self_test?.from;
  const owner = file.staff.find((s) => s.phone === testFrom);
  if (testFrom && owner)
    ctx.addIssue({
      code: 'custom',
      path: ['self_test', 'from'],
      message: `"${testFrom}" is also the phone of ${owner.name} (staff); the line test needs a number nobody calls from`,
    });
  else if (testFrom && testFrom === file.organization.helpdeskNumber)
    ctx.addIssue({
      code: 'custom',
      path: ['self_test', 'from'],
      message: `"${testFrom}" is the helpdesk number itself; the line test needs a second number`,
    });
  if (lines.size)
    file.email.addresses.forEach((a, i) => {
      if (a.line && !lines.has(a.line))
        ctx.addIssue({
          code: 'custom',
          path: ['email', 'addresses', i, 'line'],
          message: `"${a.line}" is not the id of a service line (${[...lines].join(', ')})`,
        });
    });
}
