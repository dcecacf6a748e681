-- Message search is indexed in batches (store/search-indexer.ts) instead of a trigger per row:
-- FTS5 writes its segments once per batch, not once per commit. `fts_progress` holds the last
-- messages rowid indexed; a search catches the index up first, so nothing written is missed.
-- Every message existing now was indexed by the old trigger.
CREATE TABLE `fts_progress` (`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1), `indexed_rowid` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `fts_progress` (`id`, `indexed_rowid`) SELECT 1, coalesce(max(rowid), 0) FROM `messages`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_update`;
--> statement-breakpoint
-- Deleting or changing a row the indexer has already taken updates the index at once; a row it has
-- not reached yet is indexed as it is when it gets there. A deleted newest row gives its rowid back
-- to the indexer (SQLite may reuse it).
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` WHEN old.rowid <= (SELECT `indexed_rowid` FROM `fts_progress` WHERE `id` = 1) BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) SELECT 'delete', old.rowid, old.`text` WHERE old.`kind` IN ('text', 'note');
  UPDATE `fts_progress` SET `indexed_rowid` = old.rowid - 1 WHERE `id` = 1 AND old.rowid > coalesce((SELECT max(rowid) FROM `messages`), 0);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `text`, `kind` ON `messages` WHEN old.rowid <= (SELECT `indexed_rowid` FROM `fts_progress` WHERE `id` = 1) BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) SELECT 'delete', old.rowid, old.`text` WHERE old.`kind` IN ('text', 'note');
  INSERT INTO `messages_fts`(rowid, `text`) SELECT new.rowid, new.`text` WHERE new.`kind` IN ('text', 'note');
END;
