CREATE TABLE `idempotency_keys` (
	`site_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_site_key_unique` ON `idempotency_keys` (`site_id`,`key`);--> statement-breakpoint
CREATE INDEX `idempotency_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `returns` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`order_id` text NOT NULL,
	`external_id` text NOT NULL,
	`status` text NOT NULL,
	`items` text DEFAULT '[]' NOT NULL,
	`reason` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `returns_order_external_unique` ON `returns` (`order_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `returns_site_idx` ON `returns` (`site_id`);--> statement-breakpoint
ALTER TABLE `sites` ADD `secret_key_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `sites_secret_key_hash_unique` ON `sites` (`secret_key_hash`);