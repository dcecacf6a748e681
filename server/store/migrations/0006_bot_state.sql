ALTER TABLE `conversations` ADD `bot_state` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `handoff` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `locale` text;