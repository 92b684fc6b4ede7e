CREATE TABLE `announcements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`text` text NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`client_ids` text,
	`lines` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `announcements_live_idx` ON `announcements` (`deleted_at`,`ends_at`);--> statement-breakpoint
ALTER TABLE `clients` ADD `level` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `lines` text;