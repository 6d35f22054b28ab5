-- observation without its PRIMARY KEY (batch_id, municipality, indicator, year) and
-- its two FOREIGN KEYs (indicator, batch_id).
--
-- Why: the key was checked on every insert through a four-column ART index that
-- nothing reads (DuckDB filters observation by zone maps: a batch's rows are
-- contiguous, since a batch is written by one INSERT), and maintaining it was the
-- largest part of an import's write (a 100,000-row import: ~0.2 s of ~0.3 s) and of
-- its commit.
--
-- Why this is safe: batch_id is part of the key and every batch is written once, by
-- one INSERT in the transaction that creates its import_batch row, so duplicates can
-- only come from duplicate (municipality, indicator, year) rows inside one import.
-- sdg.importer.validate drops those (same value) or refuses the file (different
-- values), and Store.commit_import checks the frame it inserts before the INSERT and
-- raises the ConstraintException the key used to raise. Every row stays unique in
-- (batch_id, municipality, indicator, year): content_checksum's order, the
-- observation_current view and undo/redo (a state flag on import_batch) are
-- unchanged.
--
-- The foreign keys go too, for the same reason: each was one index lookup per
-- inserted row (batch_id ~30 ms, indicator ~50 ms of a 100,000-row import), and
-- both hold without them:
-- * batch_id → import_batch: by construction. The only writers (Store.commit_import,
--   the seed) insert the batch row and then its observations with the id that INSERT
--   returned, in one transaction, and no batch is ever deleted (undo is a state flag).
-- * indicator → indicator: Store.commit_import checks the (few) distinct indicator
--   ids of the frame against the table inside its transaction, after inserting the
--   new indicators, and raises the ConstraintException the key used to raise; the
--   seed loads its indicators before its observations. Nothing deletes an indicator
--   or changes its id; code that ever does must first check observation itself.
--
-- DuckDB cannot drop a PRIMARY KEY, so the table is rebuilt (in this migration's one
-- transaction) with the same columns in the same order, in batch order, and the view
-- over it is recreated as it was.
DROP VIEW observation_current;
ALTER TABLE observation RENAME TO observation_0001;

CREATE TABLE observation (
    municipality   VARCHAR NOT NULL,
    indicator      VARCHAR NOT NULL,            -- an indicator id: see above
    year           INTEGER NOT NULL,
    value          DOUBLE,                      -- NULL with a status symbol
    status_symbol  VARCHAR,                     -- SSB '.', '..', ':', '-'; Udir '*'
    note           VARCHAR,
    batch_id       INTEGER NOT NULL             -- an import_batch id: see above
    -- unique in (batch_id, municipality, indicator, year): see above
);

INSERT INTO observation (municipality, indicator, year, value, status_symbol, note, batch_id)
SELECT municipality, indicator, year, value, status_symbol, note, batch_id
FROM observation_0001
ORDER BY batch_id, municipality, indicator, year;

DROP TABLE observation_0001;

CREATE VIEW observation_current AS
SELECT o.municipality, o.indicator, o.year, o.value, o.status_symbol, o.note, o.batch_id
FROM observation o
JOIN import_batch b ON b.id = o.batch_id AND b.state = 'active'
QUALIFY row_number() OVER (PARTITION BY o.municipality, o.indicator, o.year
                           ORDER BY o.batch_id DESC) = 1;
