-- Full-text search over what people wrote (shopper, agent, bot text and agents' notes), the
-- PostgreSQL counterpart of SQLite's FTS5 table: a tsvector column generated from messages.text
-- for `text` and `note` rows (system lines and cards are not indexed), with a GIN index. The
-- `mostrador_search` configuration is `simple` (no stemming, like FTS5's unicode61) behind the
-- `unaccent` dictionary, so accents and case are ignored ("envio" finds "envío"); queries match
-- word prefixes (`word:*`). unaccent ships with PostgreSQL (contrib) and is a trusted extension:
-- the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION mostrador_search (COPY = pg_catalog.simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION mostrador_search ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH public.unaccent, pg_catalog.simple;
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (CASE WHEN "kind" IN ('text', 'note') THEN to_tsvector('mostrador_search'::regconfig, "text") END) STORED;
--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search");
