ALTER TABLE `client_contacts` ADD `removed_at` integer;--> statement-breakpoint
ALTER TABLE `clients` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `storage_quota_mb` integer;--> statement-breakpoint
ALTER TABLE `oncall_feeds` ADD `made_by` text;--> statement-breakpoint
CREATE INDEX `ticket_messages_from_idx` ON `ticket_messages` (`from_address`,`at`);