CREATE TABLE `conversation_tags` (
	`site_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`tag` text NOT NULL,
	`added_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`conversation_id`, `tag`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversation_tags_site_tag_idx` ON `conversation_tags` (`site_id`,`tag`);