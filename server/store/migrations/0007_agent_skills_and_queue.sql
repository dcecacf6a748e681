ALTER TABLE `agents` ADD `capacity` integer;--> statement-breakpoint
ALTER TABLE `agents` ADD `languages` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `teams` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `team` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `queued_at` integer;