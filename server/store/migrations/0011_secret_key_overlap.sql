ALTER TABLE `sites` ADD `previous_secret_key` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `previous_secret_key_hash` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `previous_secret_expires_at` integer;--> statement-breakpoint
ALTER TABLE `sites` ADD `secret_rotated_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `sites_previous_secret_key_hash_unique` ON `sites` (`previous_secret_key_hash`);