CREATE TABLE `conversation_ratings` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`resolved_event_id` integer NOT NULL,
	`score` integer NOT NULL,
	`comment` text,
	`agent_id` text,
	`team` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_ratings_resolution_unique` ON `conversation_ratings` (`conversation_id`,`resolved_event_id`);--> statement-breakpoint
CREATE INDEX `conversation_ratings_site_idx` ON `conversation_ratings` (`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `conversations_site_created_idx` ON `conversations` (`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_site_created_idx` ON `messages` (`site_id`,`created_at`,`kind`,`author_kind`);