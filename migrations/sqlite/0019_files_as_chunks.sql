CREATE TABLE `file_chunks` (
	`file_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `file_chunks_file_seq_idx` ON `file_chunks` (`file_id`,`seq`);--> statement-breakpoint
CREATE TABLE `files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`client_id` integer,
	`size` integer DEFAULT 0 NOT NULL,
	`held` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `files_client_idx` ON `files` (`client_id`);--> statement-breakpoint
CREATE INDEX `files_held_idx` ON `files` (`held`,`created_at`);--> statement-breakpoint
ALTER TABLE `ticket_attachments` ADD `file_id` integer REFERENCES files(id);--> statement-breakpoint
CREATE INDEX `ticket_attachments_file_idx` ON `ticket_attachments` (`file_id`);--> statement-breakpoint
-- Files kept until now as base64 text move into chunks of bytes (196,608 bytes: 262,144 base64 characters), each
-- file under its attachment's id; unbase64 is registered on the connection when it migrates (src/db/sqlite.ts). The column goes next.
INSERT INTO `files` (`id`, `client_id`, `size`, `held`, `created_at`)
	SELECT a.`id`, t.`client_id`, a.`size`, 1, m.`at` FROM `ticket_attachments` a
	JOIN `ticket_messages` m ON m.`id` = a.`message_id` JOIN `tickets` t ON t.`id` = m.`ticket_id`
	WHERE a.`content` IS NOT NULL;--> statement-breakpoint
WITH RECURSIVE parts(`seq`) AS (SELECT 0 UNION ALL SELECT `seq` + 1 FROM parts WHERE `seq` < 1000)
INSERT INTO `file_chunks` (`file_id`, `seq`, `data`)
	SELECT a.`id`, parts.`seq`, unbase64(substr(a.`content`, parts.`seq` * 262144 + 1, 262144))
	FROM `ticket_attachments` a JOIN parts ON parts.`seq` * 262144 < length(a.`content`)
	WHERE a.`content` IS NOT NULL ORDER BY a.`id`, parts.`seq`;--> statement-breakpoint
UPDATE `ticket_attachments` SET `file_id` = `id` WHERE `content` IS NOT NULL;
