-- 0011: the council's cycle (issue 12).
--
-- 1. A focus decision has a life cycle: draft → proposed (by an analyst, with the matrix
--    settings) → adopted (by the council's secretary or an admin, with the case number,
--    the meeting date and the goals the council adopted) → superseded or withdrawn (with a
--    reason). Nothing is deleted; every step is a row of decision_event. Only the adopted
--    decision sets the focus goals. DuckDB cannot add a column with a CHECK constraint:
--    sdg.store.decisions writes only the states of sdg.store.decisions.STATES.
-- 2. A rating source counts in the council's matrix only once an analyst has included it.
-- 3. The new role `secretary` (app_user is rebuilt: its role CHECK lists the roles).
-- 4. A municipality's own content: its goal areas, its indicator targets and manual zero
--    points (each a new row; the newest counts, older ones are kept).

-- ------------------------------------------------------------------ decisions
-- Rows that exist now: the seed's (actor 'system', the council's real adoption) come
-- through as adopted; rows an analyst saved with "Lagre vedtak" were never adopted by
-- the council and become proposals. Of several adopted rows per municipality only the
-- newest stays adopted, the others are superseded by it.
ALTER TABLE focus_decision ADD COLUMN state VARCHAR DEFAULT 'adopted';
ALTER TABLE focus_decision ADD COLUMN case_number VARCHAR;      -- the council's saksnummer
ALTER TABLE focus_decision ADD COLUMN meeting_date DATE;        -- the council meeting
ALTER TABLE focus_decision ADD COLUMN proposed_goals INTEGER[]; -- the proposal as made
ALTER TABLE focus_decision ADD COLUMN proposed_by VARCHAR;
ALTER TABLE focus_decision ADD COLUMN proposed_at TIMESTAMP;
ALTER TABLE focus_decision ADD COLUMN adopted_by VARCHAR;
ALTER TABLE focus_decision ADD COLUMN adopted_at TIMESTAMP;
ALTER TABLE focus_decision ADD COLUMN ended_by VARCHAR;         -- who superseded or withdrew it
ALTER TABLE focus_decision ADD COLUMN ended_at TIMESTAMP;
ALTER TABLE focus_decision ADD COLUMN end_reason VARCHAR;
ALTER TABLE focus_decision ADD COLUMN superseded_by INTEGER;    -- the decision that replaced it

UPDATE focus_decision SET state = CASE WHEN actor = 'system' THEN 'adopted' ELSE 'proposed' END,
    proposed_goals = goals, proposed_by = actor, proposed_at = created_at;
UPDATE focus_decision SET meeting_date = decided_on, adopted_by = actor, adopted_at = created_at
WHERE state = 'adopted';
UPDATE focus_decision SET state = 'superseded', ended_by = 'system', ended_at = current_timestamp,
    end_reason = 'migration 0011: an older adopted decision',
    superseded_by = (SELECT max(n.id) FROM focus_decision n
                     WHERE n.municipality = focus_decision.municipality AND n.state = 'adopted')
WHERE state = 'adopted' AND id <> (SELECT max(n.id) FROM focus_decision n
                                   WHERE n.municipality = focus_decision.municipality
                                     AND n.state = 'adopted');
ALTER TABLE focus_decision ALTER COLUMN state SET DEFAULT 'draft';

CREATE SEQUENCE decision_event_seq START 1;
CREATE TABLE decision_event (
    id           BIGINT PRIMARY KEY DEFAULT nextval('decision_event_seq'),
    decision_id  INTEGER NOT NULL,              -- focus_decision (id), kept by the store
    happened_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor        VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,              -- draft, propose, adopt, supersede, withdraw
    state        VARCHAR NOT NULL,              -- the state after the step
    goals        INTEGER[],
    detail       VARCHAR                        -- JSON: case number, meeting date, reason …
);
INSERT INTO decision_event (decision_id, happened_at, actor, role, action, state, goals, detail)
SELECT id, created_at, actor, CASE WHEN actor = 'system' THEN 'admin' ELSE 'analyst' END,
       CASE WHEN actor = 'system' THEN 'adopt' ELSE 'propose' END,
       CASE WHEN actor = 'system' THEN 'adopted' ELSE 'proposed' END, goals,
       '{"note": "migration 0011"}'
FROM focus_decision;
INSERT INTO decision_event (decision_id, actor, role, action, state, goals, detail)
SELECT id, 'system', 'admin', 'supersede', 'superseded', goals,
       '{"note": "migration 0011", "superseded_by": ' || superseded_by || '}'
FROM focus_decision WHERE state = 'superseded';

-- ----------------------------------------------------------- source inclusion
-- Sources that exist now stay in (the matrix looked like this before); a new source
-- (survey, workshop session, assessment version) is out until an analyst includes it.
ALTER TABLE rating_source ADD COLUMN included BOOLEAN DEFAULT true;
ALTER TABLE rating_source ADD COLUMN included_by VARCHAR;
ALTER TABLE rating_source ADD COLUMN included_at TIMESTAMP;
UPDATE rating_source SET included = true, included_by = 'system',
    included_at = current_timestamp;
ALTER TABLE rating_source ALTER COLUMN included SET DEFAULT false;

-- ------------------------------------------------------------ role secretary
CREATE TABLE app_user_0011 (
    name            VARCHAR PRIMARY KEY,
    email           VARCHAR UNIQUE,
    role            VARCHAR NOT NULL
                    CHECK (role IN ('viewer', 'analyst', 'facilitator', 'secretary', 'admin')),
    password_hash   VARCHAR,
    failed_count    INTEGER NOT NULL DEFAULT 0,
    last_failure    TIMESTAMP,
    disabled        BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO app_user_0011 SELECT name, email, role, password_hash, failed_count, last_failure,
    disabled, created_at FROM app_user;
DROP TABLE app_user;
ALTER TABLE app_user_0011 RENAME TO app_user;

-- ------------------------------------------------- a municipality's own content
-- Goal areas: NULL municipality = the seven of the presentation, every municipality's
-- default; a municipality that sets up its own has rows with its code (code
-- '<municipality>-<n>'), and then sees only those.
ALTER TABLE goal_area ADD COLUMN municipality VARCHAR;
ALTER TABLE goal_area ADD COLUMN updated_by VARCHAR;
ALTER TABLE goal_area ADD COLUMN updated_at TIMESTAMP;
ALTER TABLE goal_area ADD COLUMN retired_at TIMESTAMP;   -- no longer used (kept for benefits)

-- Commitments ("Vi må …"): who wrote them; a retired one is kept.
ALTER TABLE local_goal ADD COLUMN updated_by VARCHAR;
ALTER TABLE local_goal ADD COLUMN updated_at TIMESTAMP;
ALTER TABLE local_goal ADD COLUMN retired_at TIMESTAMP;

-- An indicator's target for one municipality (the newest row counts).
CREATE TABLE municipality_indicator_target (
    municipality  VARCHAR NOT NULL,
    indicator     VARCHAR NOT NULL,
    target_value  DOUBLE,                        -- NULL: the target was removed
    target_year   INTEGER,
    note          VARCHAR,
    set_by        VARCHAR NOT NULL,
    set_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- A zero point entered by hand where METHODS.md §3 gives none (rule `none`) or data
-- are missing; the note saying where the value comes from is required (the newest
-- row counts; value NULL removes it).
CREATE TABLE manual_zero_point (
    municipality  VARCHAR NOT NULL,
    indicator     VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    value         DOUBLE,
    note          VARCHAR NOT NULL,
    set_by        VARCHAR NOT NULL,
    set_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);
