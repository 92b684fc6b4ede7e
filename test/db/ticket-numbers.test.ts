import { describe, expect, it } from 'vitest';
import { insertTicket, type NewTicket } from '../../src/tickets/store.js';
import { migratedDatabase } from '../support/db.js';

const at = new Date('2026-12-02T10:00:00Z');
const ticket = (summary: string): NewTicket => ({
  unidentified: true,
  emergency: false,
  priority: 'medium',
  status: 'new',
  summary,
  createdAt: at,
  updatedAt: at,
});

describe('ticket numbers', async () => {
  const { db } = await migratedDatabase();

  it('start at 1001 and are never handed out twice, however many tickets open at once', async () => {
    const opened = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.withTransaction((tx) => insertTicket(tx, ticket(`at once ${i}`)))),
    );
    const numbers = opened.map((t) => t.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => 1001 + i));
  });
});
