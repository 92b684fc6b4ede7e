CREATE TABLE `mail_bounces` (
	`address` text PRIMARY KEY NOT NULL,
	`bounces` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`last_report` text
);
--> statement-breakpoint
CREATE TABLE `mail_in_flight` (
	`uid` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`suspect` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
DROP INDEX `ticket_messages_message_id_unique`;--> statement-breakpoint
ALTER TABLE `ticket_messages` ADD `channel` text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_messages` ADD `internal` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_messages` ADD `unverified` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `ticket_messages_message_id_idx` ON `ticket_messages` (`message_id`);--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `from_domain` text;--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `sender` text;--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `verified` integer;--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `verdict` text;--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `held` text;--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `decided_by` text;--> statement-breakpoint
ALTER TABLE `inbound_mail` ADD `decided_at` integer;--> statement-breakpoint
CREATE INDEX `inbound_mail_domain_idx` ON `inbound_mail` (`from_domain`,`received_at`);--> statement-breakpoint
UPDATE ticket_messages SET channel = 'staff' WHERE staff_id IS NOT NULL;