-- 0014: pulls from SSB's PxWebApi (issue 17): provenance of each call of an import
-- batch, the library indicators a municipality follows, and frozen zero points.

-- One row per data call of a pull. The pull itself is one import_batch (layout
-- 'ssb-api'), so undo, redo and the history work as for files.
CREATE TABLE ssb_pull (
    batch_id         INTEGER NOT NULL,            -- import_batch.id
    table_id         VARCHAR NOT NULL,            -- SSB table, e.g. '13502'
    method           VARCHAR NOT NULL CHECK (method IN ('GET', 'POST')),
    query_url        VARCHAR NOT NULL,
    query_body       VARCHAR,                     -- the POST selection (JSON), if any
    fetched_at       TIMESTAMP NOT NULL,          -- UTC
    response_sha256  VARCHAR NOT NULL,
    ssb_updated      VARCHAR,                     -- the dataset's "updated" (SSB's time)
    cells            INTEGER NOT NULL,
    indicators       VARCHAR[] NOT NULL
);

-- A municipality's own choice of library indicators (absent = the default: the
-- indicators tied to its focus goals).
CREATE TABLE library_follow (
    municipality  VARCHAR NOT NULL,
    indicator     VARCHAR NOT NULL,
    follows       BOOLEAN NOT NULL,
    actor         VARCHAR NOT NULL,
    changed_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (municipality, indicator)
);

-- Frozen zero points: the value of each indicator's zero point when an analyst froze
-- them. A re-basing marks the row 'rebased' (who, when, why) and adds a new active row.
CREATE SEQUENCE zero_point_freeze_seq START 1;
CREATE TABLE zero_point_freeze (
    id             INTEGER PRIMARY KEY DEFAULT nextval('zero_point_freeze_seq'),
    municipality   VARCHAR NOT NULL,
    indicator      VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    value          DOUBLE NOT NULL,
    method         VARCHAR NOT NULL,
    provenance     VARCHAR,
    frozen_by      VARCHAR NOT NULL,
    frozen_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    note           VARCHAR,
    state          VARCHAR NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'rebased')),
    rebased_by     VARCHAR,
    rebased_at     TIMESTAMP,
    rebase_reason  VARCHAR
);
