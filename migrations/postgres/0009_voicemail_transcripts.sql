ALTER TABLE "voicemails" ADD COLUMN "transcript_id" text;--> statement-breakpoint
ALTER TABLE "voicemails" ADD COLUMN "transcript_asked_at" bigint;--> statement-breakpoint
CREATE INDEX "voicemails_transcript_idx" ON "voicemails" USING btree ("transcript_id");