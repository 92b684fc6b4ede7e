ALTER TABLE `callbacks` ADD `urgent` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `callbacks` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `callbacks` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `callbacks` ADD `failed_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `callbacks` ADD `last_outcome` text;