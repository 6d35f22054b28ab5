-- Nynorsk as a third language: the catalogue's names and texts in nn, filled from
-- data/seed/*_nn.csv by sdg.seed.load_nynorsk (on a new database with the seed, on an
-- existing one by open_store as soon as the columns are empty). NULL reads as bokmål.
ALTER TABLE dimension ADD COLUMN name_nn VARCHAR;
ALTER TABLE dimension ADD COLUMN description_nn VARCHAR;
ALTER TABLE goal ADD COLUMN short_nn VARCHAR;
ALTER TABLE goal ADD COLUMN title_nn VARCHAR;
ALTER TABLE target ADD COLUMN title_nn VARCHAR;
ALTER TABLE goal_area ADD COLUMN name_nn VARCHAR;
ALTER TABLE goal_area ADD COLUMN description_nn VARCHAR;

-- A municipality's default language: what a new session opens in when the link names
-- no language (nynorsk municipalities: nn). One row per municipality that set one.
CREATE TABLE municipality_language (
    municipality  VARCHAR PRIMARY KEY CHECK (regexp_matches(municipality, '^[0-9]{4}$')),
    lang          VARCHAR NOT NULL CHECK (lang IN ('nb', 'nn', 'en')),
    actor         VARCHAR NOT NULL,
    set_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);
