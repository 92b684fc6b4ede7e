import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { insertTicket, type NewTicket } from '../../src/tickets/store.js';
import { execDatabase, migratedDatabase, onSqlite, queryDatabase } from '../support/db.js';

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
  const { db, url } = await migratedDatabase();

  it('start at 1001 and are never handed out twice, however many tickets open at once', async () => {
    const opened = await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.withTransaction((tx) => insertTicket(tx, ticket(`at once ${i}`)))),
    );
    const numbers = opened.map((t) => t.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => 1001 + i));
  });

  it.skipIf(onSqlite)(
    'on PostgreSQL, a ticket opens while another transaction holding a number is still open',
    async () => {
      let finishFirst!: () => void;
      const held = new Promise<void>((resolve) => (finishFirst = resolve));
      let firstHasNumber!: () => void;
      const numbered = new Promise<void>((resolve) => (firstHasNumber = resolve));
      const first = db.withTransaction(async (tx) => {
        const t = await insertTicket(tx, ticket('slow'));
        firstHasNumber();
        await held;
        return t;
      });
      await numbered;
      // With a counter row locked to the commit, this one would wait for the first transaction.
      const second = db.withTransaction((tx) => insertTicket(tx, ticket('quick')));
      const outcome = await Promise.race([
        second.then((t) => t.number),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000)),
      ]);
      finishFirst();
      const slow = await first;
      expect(outcome).toBe(slow.number + 1);
    },
  );

  it.skipIf(onSqlite)('on PostgreSQL, go on after the highest number a database held before the sequence', async () => {
    // The migration's last statement sets the sequence from the tickets and the counter row it replaces.
    const setval = readFileSync('migrations/postgres/0006_ticket_number_sequence.sql', 'utf8')
      .split('--> statement-breakpoint')
      .at(-1)!;
    await execDatabase(url, `update tickets set number = 4041 where number = 1001; ${setval}`);
    const next = await db.withTransaction((tx) => insertTicket(tx, ticket('after the migration')));
    expect(next.number).toBe(4042);
    await execDatabase(url, `insert into counters (name, value) values ('ticket_number', 5000); ${setval}`);
    const after = await db.withTransaction((tx) => insertTicket(tx, ticket('after the counter')));
    expect(after.number).toBe(5001);
  });

  it.skipIf(onSqlite)(
    'on PostgreSQL, an instance of the previous release (bumping the counter row) draws from the same numbers',
    async () => {
      const before = await db.withTransaction((tx) => insertTicket(tx, ticket('new release')));
      // What the previous release ran for each ticket.
      await execDatabase(url, `insert into counters (name, value) values ('ticket_number', 1) on conflict do nothing`);
      const [old] = await queryDatabase<{ value: string | number }>(
        url,
        `update counters set value = value + 1 where name = 'ticket_number' returning value`,
      );
      const after = await db.withTransaction((tx) => insertTicket(tx, ticket('new release again')));
      expect([before.number, Number(old!.value), after.number]).toEqual([
        before.number,
        before.number + 1,
        before.number + 2,
      ]);
    },
  );
});
