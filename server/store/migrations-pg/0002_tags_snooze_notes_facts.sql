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
CREATE TABLE "conversation_facts" (
	"conversation_id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"via" text NOT NULL,
	"channel" text NOT NULL,
	"language" text,
	"team" text,
	"status" text NOT NULL,
	"time_zone" text NOT NULL,
	"local_day" text NOT NULL,
	"weekday" integer NOT NULL,
	"hour" integer NOT NULL,
	"first_response_seconds" double precision,
	"first_response_agent" text,
	"queued" integer NOT NULL,
	"queue" jsonb NOT NULL,
	"left_unanswered" integer NOT NULL,
	"resolutions" integer NOT NULL,
	"resolution_seconds" jsonb NOT NULL,
	"bot_resolved" integer NOT NULL,
	"handoff_reasons" jsonb NOT NULL,
	"holdings" jsonb NOT NULL,
	"agents" text NOT NULL,
	"teams" text NOT NULL,
	"transfers" integer NOT NULL,
	"reopens" integer NOT NULL,
	"shopper_messages" integer NOT NULL,
	"agent_messages" integer NOT NULL,
	"bot_messages" integer NOT NULL,
	"counted_seq" integer NOT NULL,
	"updated_at" bigint NOT NULL
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
DROP INDEX "messages_site_created_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_at" bigint;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "snoozed_until" bigint;--> statement-breakpoint
ALTER TABLE "contact_notes" ADD CONSTRAINT "contact_notes_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_facts" ADD CONSTRAINT "conversation_facts_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_facts" ADD CONSTRAINT "conversation_facts_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_tags" ADD CONSTRAINT "conversation_tags_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_facts_site_created_idx" ON "conversation_facts" USING btree ("site_id","created_at");--> statement-breakpoint
CREATE INDEX "conversation_tags_site_tag_idx" ON "conversation_tags" USING btree ("site_id","tag");--> statement-breakpoint
CREATE INDEX "conversations_snoozed_until_idx" ON "conversations" USING btree ("snoozed_until");