ALTER TABLE "calls" ADD COLUMN "line" text;--> statement-breakpoint
ALTER TABLE "oncall_overrides" ADD COLUMN "line" text;