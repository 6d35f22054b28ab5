-- 0004: the benefits plan can be edited in place, keeps deleted records, and says
-- what each change was.
--
-- DuckDB runs an UPDATE that touches an indexed column (goal_area, indicator are
-- foreign keys) as delete + insert, which a foreign key pointing at benefit(id)
-- forbids. So benefit_target is rebuilt without that foreign key; sdg.store.benefits
-- writes benefit_target only in the transaction that writes the benefit.
CREATE TABLE benefit_target_0004 AS SELECT * FROM benefit_target;
DROP TABLE benefit_target;
CREATE TABLE benefit_target (
    benefit_id  INTEGER NOT NULL,                -- benefit (id), kept by the store
    target      VARCHAR NOT NULL REFERENCES target (target),
    PRIMARY KEY (benefit_id, target)
);
INSERT INTO benefit_target SELECT benefit_id, target FROM benefit_target_0004;
DROP TABLE benefit_target_0004;

-- A benefit is never removed from the table: deleting it in the plan sets deleted_at
-- and deleted_by, so its change log stays complete. Every query of the plan reads
-- WHERE deleted_at IS NULL.
ALTER TABLE benefit ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE benefit ADD COLUMN deleted_by VARCHAR;

-- What a change-log row records: 'insert', 'update' or 'delete' (the record as it
-- looked after the change, or before the delete). DuckDB cannot add a column with a
-- CHECK constraint; sdg.store.benefits writes only these three values.
ALTER TABLE benefit_history ADD COLUMN action VARCHAR NOT NULL DEFAULT 'update';
CREATE INDEX benefit_history_benefit ON benefit_history (benefit_id);
