CREATE TABLE "contact_notes" (
	"site_id" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"text" text NOT NULL,
	"updated_by" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "contact_notes_site_id_subject_kind_subject_id_pk" PRIMARY KEY("site_id","subject_kind","subject_id")
);
--> statement-breakpoint
CREATE TABLE "conversation_tags" (
	"site_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"tag" text NOT NULL,
	"added_by" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "conversation_tags_conversation_id_tag_pk" PRIMARY KEY("conversation_id","tag")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_at" bigint;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_until" bigint;--> statement-breakpoint
ALTER TABLE "contact_notes" ADD CONSTRAINT "contact_notes_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_tags_site_tag_idx" ON "conversation_tags" USING btree ("site_id","tag");--> statement-breakpoint
CREATE INDEX "conversations_snoozed_until_idx" ON "conversations" USING btree ("snoozed_until");