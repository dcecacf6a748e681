ALTER TABLE `conversations` ADD `last_visible_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `visitor_read_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `agent_read_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `kind` text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `payload` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `prev_visible_seq` integer;--> statement-breakpoint
-- Before notes existed every message was visible: continuity is simply seq - 1.
UPDATE `conversations` SET `last_visible_seq` = `last_seq`;--> statement-breakpoint
UPDATE `messages` SET `prev_visible_seq` = `seq` - 1;
