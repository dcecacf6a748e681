ALTER TABLE `visitors` ADD `external_id` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `verified` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `visitors_site_customer_idx` ON `visitors` (`site_id`,`customer_id`);