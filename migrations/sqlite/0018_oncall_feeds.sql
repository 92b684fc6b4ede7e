CREATE TABLE `oncall_feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oncall_feeds_token_hash_unique` ON `oncall_feeds` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `oncall_feeds_subject_idx` ON `oncall_feeds` (`kind`,`subject`);