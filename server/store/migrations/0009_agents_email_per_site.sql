DROP INDEX `agents_email_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `agents_site_email_unique` ON `agents` (`site_id`,`email`);--> statement-breakpoint
CREATE INDEX `agents_email_idx` ON `agents` (`email`);