-- 0002: the materiality matrix (issue 3).
-- Who created a rating source and what was detected in its file, so every import and
-- every saved assessment can be traced; notes of the method tool get an id, so one
-- note can be found again. Matrix settings live in `setting` under the key
-- 'materiality' (defaults in sdg.store.ratings.DEFAULT_SETTINGS; none stored here).

ALTER TABLE rating_source ADD COLUMN actor VARCHAR;          -- who imported or saved it
ALTER TABLE rating_source ADD COLUMN file_name VARCHAR;      -- survey file, if any
ALTER TABLE rating_source ADD COLUMN sha256 VARCHAR;         -- of the file's bytes
ALTER TABLE rating_source ADD COLUMN detected JSON;          -- layout, columns, scale, …

CREATE SEQUENCE materiality_note_seq START 1;
ALTER TABLE materiality_note ADD COLUMN id INTEGER DEFAULT nextval('materiality_note_seq');
