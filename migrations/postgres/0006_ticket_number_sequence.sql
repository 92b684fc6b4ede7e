CREATE SEQUENCE "public"."ticket_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
-- Instances still running the previous release number tickets by bumping the counter row: while both
-- run (a rolling deploy), the row's bump takes its number from the sequence too, so no number is handed
-- out twice and neither release's tickets fail on the other's.
CREATE OR REPLACE FUNCTION "ticket_number_from_sequence"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."value" := nextval('ticket_number_seq');
  RETURN NEW;
END
$$;--> statement-breakpoint
-- Creating the trigger locks the counters table against updates until this migration commits, so the
-- sequence below starts after every number the counter row has given.
CREATE TRIGGER "counters_ticket_number_from_sequence" BEFORE UPDATE ON "counters" FOR EACH ROW WHEN (NEW."name" = 'ticket_number') EXECUTE FUNCTION "ticket_number_from_sequence"();--> statement-breakpoint
-- Ticket numbers go on from where the counter row (or the highest ticket) left them; the first is 1001.
SELECT setval('ticket_number_seq', greatest(1000, coalesce((SELECT max("number") FROM "tickets"), 0), coalesce((SELECT "value" FROM "counters" WHERE "name" = 'ticket_number'), 0)));
