CREATE TABLE `agent_invites` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`site_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text DEFAULT 'agent' NOT NULL,
	`invited_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agent_invites_token_hash_unique` ON `agent_invites` (`token_hash`);--> statement-breakpoint
CREATE INDEX `agent_invites_site_idx` ON `agent_invites` (`site_id`);--> statement-breakpoint
ALTER TABLE `agent_sessions` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `agent_sessions` ADD `address` text;--> statement-breakpoint
ALTER TABLE `agent_sessions` ADD `last_seen_at` integer;