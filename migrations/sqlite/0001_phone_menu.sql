CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`actor` text,
	`detail` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket_idx` ON `ticket_events` (`ticket_id`,`at`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` integer NOT NULL,
	`client_id` integer,
	`contact_id` integer,
	`caller_number` text,
	`unidentified` integer NOT NULL,
	`emergency` integer NOT NULL,
	`priority` text NOT NULL,
	`status` text NOT NULL,
	`summary` text NOT NULL,
	`transcription` text,
	`sla_due_at` integer,
	`acknowledged_by` text,
	`acknowledged_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `client_contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_unique` ON `tickets` (`number`);--> statement-breakpoint
CREATE INDEX `tickets_client_status_idx` ON `tickets` (`client_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_caller_status_idx` ON `tickets` (`caller_number`,`status`);--> statement-breakpoint
CREATE TABLE `voicemails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recording_sid` text NOT NULL,
	`call_sid` text,
	`ticket_id` integer,
	`kind` text NOT NULL,
	`disposition` text NOT NULL,
	`source` text NOT NULL,
	`caller_number` text,
	`recording_url` text,
	`duration_seconds` integer NOT NULL,
	`transcription` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `voicemails_recording_sid_unique` ON `voicemails` (`recording_sid`);--> statement-breakpoint
CREATE INDEX `voicemails_ticket_idx` ON `voicemails` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `voicemails_call_idx` ON `voicemails` (`call_sid`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_sid` text NOT NULL,
	`from_number` text,
	`to_number` text,
	`client_id` integer,
	`contact_id` integer,
	`rate_period` text NOT NULL,
	`path` text DEFAULT '' NOT NULL,
	`outcome` text NOT NULL,
	`emergency` integer DEFAULT false NOT NULL,
	`ticket_id` integer,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `client_contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calls_call_sid_unique` ON `calls` (`call_sid`);--> statement-breakpoint
CREATE INDEX `calls_started_idx` ON `calls` (`started_at`);--> statement-breakpoint
CREATE INDEX `calls_open_emergency_idx` ON `calls` (`outcome`,`emergency`);--> statement-breakpoint
CREATE TABLE `callbacks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer,
	`contact_id` integer,
	`phone` text NOT NULL,
	`reason` text,
	`status` text NOT NULL,
	`due_at` integer NOT NULL,
	`call_sid` text,
	`ticket_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `client_contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `callbacks_call_sid_unique` ON `callbacks` (`call_sid`);--> statement-breakpoint
CREATE INDEX `callbacks_status_due_idx` ON `callbacks` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`channel` text NOT NULL,
	`purpose` text NOT NULL,
	`recipient` text NOT NULL,
	`staff_id` text,
	`ticket_id` integer,
	`subject` text,
	`body` text NOT NULL,
	`payload` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`provider_id` text,
	`provider_status` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_provider_idx` ON `outbox` (`provider_id`);--> statement-breakpoint
CREATE INDEX `outbox_ticket_idx` ON `outbox` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `service_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
