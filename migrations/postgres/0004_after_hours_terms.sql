ALTER TABLE "calls" ADD COLUMN "after_hours_terms" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "consent_at" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "billable" boolean DEFAULT false NOT NULL;