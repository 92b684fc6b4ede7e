CREATE TABLE `escalations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalations_ticket_id_unique` ON `escalations` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `escalations_due_idx` ON `escalations` (`status`,`next_at`);