ALTER TABLE `oncall_overrides` ADD `line` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `line` text;