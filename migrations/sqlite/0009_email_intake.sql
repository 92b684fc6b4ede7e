CREATE TABLE `client_domains` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer NOT NULL,
	`domain` text NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `client_domains_domain_unique` ON `client_domains` (`domain`);--> statement-breakpoint
CREATE INDEX `client_domains_client_idx` ON `client_domains` (`client_id`);--> statement-breakpoint
CREATE TABLE `ticket_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`content` text,
	FOREIGN KEY (`message_id`) REFERENCES `ticket_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_attachments_message_idx` ON `ticket_attachments` (`message_id`);--> statement-breakpoint
CREATE TABLE `ticket_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`direction` text NOT NULL,
	`message_id` text NOT NULL,
	`in_reply_to` text,
	`from_address` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`original` text NOT NULL,
	`automatic` integer DEFAULT false NOT NULL,
	`staff_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_messages_message_id_unique` ON `ticket_messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `ticket_messages_ticket_idx` ON `ticket_messages` (`ticket_id`,`at`);--> statement-breakpoint
CREATE TABLE `inbound_mail` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`from_address` text,
	`to_address` text,
	`subject` text,
	`outcome` text NOT NULL,
	`ticket_id` integer,
	`error` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_mail_key_unique` ON `inbound_mail` (`key`);--> statement-breakpoint
CREATE INDEX `inbound_mail_from_idx` ON `inbound_mail` (`from_address`,`received_at`);--> statement-breakpoint
CREATE INDEX `inbound_mail_outcome_idx` ON `inbound_mail` (`outcome`,`received_at`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `source` text DEFAULT 'phone' NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `line` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `requester_email` text;--> statement-breakpoint
CREATE INDEX `tickets_source_created_idx` ON `tickets` (`source`,`created_at`);