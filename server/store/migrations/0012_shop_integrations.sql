CREATE TABLE `integration_deliveries` (
	`site_id` text NOT NULL,
	`platform` text NOT NULL,
	`delivery_id` text NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integration_deliveries_unique` ON `integration_deliveries` (`site_id`,`platform`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `integration_deliveries_received_idx` ON `integration_deliveries` (`received_at`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`site_id` text NOT NULL,
	`platform` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`secrets` text NOT NULL,
	`secret_names` text DEFAULT '[]' NOT NULL,
	`last_event_at` integer,
	`last_event_topic` text,
	`last_error_at` integer,
	`last_error` text,
	`import_state` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_site_platform_unique` ON `integrations` (`site_id`,`platform`);--> statement-breakpoint
ALTER TABLE `customers` ADD `source_updated_at` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `source_updated_at` integer;