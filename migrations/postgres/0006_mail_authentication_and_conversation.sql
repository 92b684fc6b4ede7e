CREATE TABLE "mail_bounces" (
	"address" text PRIMARY KEY NOT NULL,
	"bounces" bigint NOT NULL,
	"first_at" bigint NOT NULL,
	"last_at" bigint NOT NULL,
	"last_report" text
);
--> statement-breakpoint
CREATE TABLE "mail_in_flight" (
	"uid" text PRIMARY KEY NOT NULL,
	"started_at" bigint NOT NULL,
	"suspect" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_messages" DROP CONSTRAINT "ticket_messages_message_id_unique";--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "from_domain" text;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "sender" text;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "verified" boolean;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "verdict" text;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "held" text;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD COLUMN "decided_at" bigint;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD COLUMN "channel" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD COLUMN "internal" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD COLUMN "unverified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "inbound_mail_domain_idx" ON "inbound_mail" USING btree ("from_domain","received_at");--> statement-breakpoint
CREATE INDEX "ticket_messages_message_id_idx" ON "ticket_messages" USING btree ("message_id");--> statement-breakpoint
UPDATE ticket_messages SET channel = 'staff' WHERE staff_id IS NOT NULL;