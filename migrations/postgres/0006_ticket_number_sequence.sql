CREATE SEQUENCE "public"."ticket_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
-- Ticket numbers go on from where the counter row (or the highest ticket) left them; the first is 1001.
SELECT setval('ticket_number_seq', greatest(1000, coalesce((SELECT max("number") FROM "tickets"), 0), coalesce((SELECT "value" FROM "counters" WHERE "name" = 'ticket_number'), 0)));
