-- 0015 (issue 11): an indicator created by an import belongs to that batch.
--
-- Undoing the batch hides the indicator it created (it would otherwise stay as an empty
-- entry on every municipality's page); redoing it shows it again. The row is kept so
-- the history, the audit log and a redo keep working: `Store.indicators()` lists an
-- indicator only while its creating batch (if any) is active.
ALTER TABLE indicator ADD COLUMN created_batch INTEGER;
