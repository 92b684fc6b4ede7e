ALTER TABLE `announcements` ADD `notify` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `announcements` ADD `end_notice_at` integer;