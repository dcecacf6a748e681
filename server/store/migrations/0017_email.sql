CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`conversation_id` text,
	`kind` text NOT NULL,
	`to_address` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`message_id_header` text NOT NULL,
	`subject` text,
	`text_body` text,
	`html_body` text,
	`message_ids` text DEFAULT '[]' NOT NULL,
	`transport` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mail_outbox_due_idx` ON `mail_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_site_idx` ON `mail_outbox` (`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_conversation_idx` ON `mail_outbox` (`conversation_id`,`status`);--> statement-breakpoint
CREATE TABLE `mail_threads` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`reply_token` text NOT NULL,
	`unsubscribed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_threads_reply_token_unique` ON `mail_threads` (`reply_token`);--> statement-breakpoint
ALTER TABLE `messages` ADD `channel` text DEFAULT 'chat' NOT NULL;