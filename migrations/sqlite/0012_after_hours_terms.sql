ALTER TABLE `tickets` ADD `billable` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `after_hours_terms` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `consent_at` integer;