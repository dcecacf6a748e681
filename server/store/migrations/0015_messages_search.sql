-- Full-text search over what people wrote (shopper, agent, bot text and agents' notes): an FTS5
-- index over messages.text, kept in step by triggers. Accents and case are ignored ("envio"
-- finds "envío"). System lines and cards are not indexed.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`text`, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `messages_fts`(rowid, `text`) SELECT rowid, `text` FROM `messages` WHERE `kind` IN ('text', 'note');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` WHEN new.`kind` IN ('text', 'note') BEGIN
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.rowid, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` WHEN old.`kind` IN ('text', 'note') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.rowid, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `text`, `kind` ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) SELECT 'delete', old.rowid, old.`text` WHERE old.`kind` IN ('text', 'note');
  INSERT INTO `messages_fts`(rowid, `text`) SELECT new.rowid, new.`text` WHERE new.`kind` IN ('text', 'note');
END;
