CREATE TABLE `conversation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`type` text NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversation_events_conversation_idx` ON `conversation_events` (`conversation_id`,`id`);--> statement-breakpoint
CREATE INDEX `conversation_events_site_at_idx` ON `conversation_events` (`site_id`,`at`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `last_assignee_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `waiting_since` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `resolved_from` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `human_replied` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `conversations` SET `last_assignee_id` = `assignee_id` WHERE `assignee_id` IS NOT NULL;--> statement-breakpoint
UPDATE `conversations` SET `assignee_id` = NULL, `queued_at` = NULL, `resolved_from` = 'people' WHERE `status` = 'resolved';--> statement-breakpoint
UPDATE `conversations` SET `human_replied` = 1 WHERE EXISTS (SELECT 1 FROM `messages` m WHERE m.`conversation_id` = `conversations`.`id` AND m.`author_kind` = 'agent' AND m.`kind` IN ('text', 'card'));
