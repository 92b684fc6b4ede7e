CREATE TABLE `package_usage` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`package_id` integer NOT NULL,
	`item_key` text NOT NULL,
	`amount` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`package_id`) REFERENCES `support_packages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_usage_item_key_unique` ON `package_usage` (`item_key`);--> statement-breakpoint
CREATE INDEX `package_usage_package_idx` ON `package_usage` (`package_id`);--> statement-breakpoint
CREATE TABLE `support_packages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer NOT NULL,
	`unit` text NOT NULL,
	`quantity` integer NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `support_packages_client_idx` ON `support_packages` (`client_id`);--> statement-breakpoint
CREATE TABLE `work_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`staff` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `work_logs_ticket_idx` ON `work_logs` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `work_logs_started_idx` ON `work_logs` (`started_at`);--> statement-breakpoint
CREATE TABLE `callback_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`callback_id` integer NOT NULL,
	`staff` text NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`note` text,
	FOREIGN KEY (`callback_id`) REFERENCES `callbacks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `callback_attempts_callback_idx` ON `callback_attempts` (`callback_id`);--> statement-breakpoint
CREATE TABLE `billable_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_key` text NOT NULL,
	`type` text NOT NULL,
	`client_id` integer,
	`ticket_id` integer,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`rate_period` text NOT NULL,
	`ms_business` integer NOT NULL,
	`ms_after_hours` integer NOT NULL,
	`ms_weekend` integer NOT NULL,
	`ms_holiday` integer NOT NULL,
	`pieces` text NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `billable_events_source_key_unique` ON `billable_events` (`source_key`);--> statement-breakpoint
CREATE INDEX `billable_events_start_idx` ON `billable_events` (`start_at`);--> statement-breakpoint
CREATE INDEX `billable_events_client_start_idx` ON `billable_events` (`client_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`failed_sign_ins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`last_sign_in_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_unique` ON `accounts` (`email`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_account_idx` ON `sessions` (`account_id`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `sla_warn_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `sla_warned_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `sla_breached_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `resolved_at` integer;--> statement-breakpoint
CREATE INDEX `tickets_status_created_idx` ON `tickets` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `tickets_sla_idx` ON `tickets` (`sla_due_at`);