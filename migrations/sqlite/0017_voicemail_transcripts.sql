ALTER TABLE `voicemails` ADD `transcript_id` text;--> statement-breakpoint
ALTER TABLE `voicemails` ADD `transcript_asked_at` integer;--> statement-breakpoint
CREATE INDEX `voicemails_transcript_idx` ON `voicemails` (`transcript_id`);