ALTER TABLE `conversations` ADD `snoozed_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `snoozed_until` integer;--> statement-breakpoint
CREATE INDEX `conversations_snoozed_until_idx` ON `conversations` (`snoozed_until`);