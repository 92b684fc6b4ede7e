/** The organisation Switchboard runs with when no organisation file is given: enough to try every path. */
export const DEMO_ORGANISATION = {
  organization: { name: 'Demo Helpdesk', timezone: 'America/Chicago', helpdesk_number: '+15550100000' },
  business_hours: {
    monday: ['09:00-12:30', '13:30-17:00'],
    tuesday: ['09:00-17:00'],
    wednesday: ['09:00-17:00'],
    thursday: ['09:00-17:00'],
    friday: ['09:00-17:00'],
  },
  holidays: ['2026-12-25', '2027-01-01'],
  staff: [
    { id: 'erin', name: 'Erin Engineer', role: 'engineer', phone: '+15550200001', email: 'erin@example.com' },
    { id: 'ed', name: 'Ed Engineer', role: 'engineer', phone: '+15550200003', email: 'ed@example.com' },
    { id: 'alan', name: 'Alan Architect', role: 'architect', phone: '+15550200002', email: 'alan@example.com' },
    { id: 'olive', name: 'Olive Office', role: 'office', phone: '+15550200004', email: 'olive@example.com' },
  ],
  on_call: { rotation: ['erin', 'ed'], shift: 'weekly', handoff: 'monday 09:00' },
  escalation: { ack_timeout: '10m' },
};
