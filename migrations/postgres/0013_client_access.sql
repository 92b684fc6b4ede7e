ALTER TABLE "client_contacts" ADD COLUMN "removed_at" bigint;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "storage_quota_mb" bigint;--> statement-breakpoint
ALTER TABLE "oncall_feeds" ADD COLUMN "made_by" text;--> statement-breakpoint
CREATE INDEX "ticket_messages_from_idx" ON "ticket_messages" USING btree ("from_address","at");