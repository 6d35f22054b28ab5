-- 0001: the whole data model of ARCHITECTURE.md.
-- Applied once, in a transaction, and recorded in schema_migration by sdg.store.
-- Never edit this file once released: add 0002_… instead.

-- ---------------------------------------------------------------- catalogue
CREATE TABLE dimension (
    dimension      VARCHAR PRIMARY KEY,          -- environment, social, economy, partnership
    sort           INTEGER NOT NULL,
    name_nb        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    description_nb VARCHAR,
    description_en VARCHAR
);

CREATE TABLE goal (
    goal       INTEGER PRIMARY KEY CHECK (goal BETWEEN 1 AND 17),
    short_nb   VARCHAR NOT NULL,
    short_en   VARCHAR NOT NULL,
    title_nb   VARCHAR NOT NULL,
    title_en   VARCHAR NOT NULL,
    colour     VARCHAR NOT NULL CHECK (regexp_matches(colour, '^#[0-9A-F]{6}$')),
    dimension  VARCHAR NOT NULL REFERENCES dimension (dimension)
);

CREATE TABLE target (
    target    VARCHAR PRIMARY KEY,               -- '1.1' … '17.19', '1.a'
    goal      INTEGER NOT NULL REFERENCES goal (goal),
    sort      INTEGER NOT NULL,
    title_nb  VARCHAR NOT NULL,
    title_en  VARCHAR NOT NULL
);

CREATE TABLE un_indicator (
    indicator  VARCHAR NOT NULL,                 -- '1.1.1'
    target     VARCHAR NOT NULL REFERENCES target (target),
    unsd_code  VARCHAR,
    repeat_of  VARCHAR,                          -- set where the indicator repeats another
    title_en   VARCHAR NOT NULL,
    PRIMARY KEY (indicator, target)
);

CREATE TABLE ks_indicator (
    id          VARCHAR PRIMARY KEY,
    scheme      VARCHAR NOT NULL,                -- e.g. 'De-norske-målepunktene'
    title       VARCHAR NOT NULL,
    periodicity VARCHAR,
    source_url  VARCHAR
);

CREATE TABLE ks_indicator_target (
    id      VARCHAR NOT NULL REFERENCES ks_indicator (id),
    target  VARCHAR NOT NULL REFERENCES target (target),
    PRIMARY KEY (id, target)
);

-- ----------------------------------------------------------- municipalities
CREATE TABLE municipality (
    code          VARCHAR NOT NULL CHECK (regexp_matches(code, '^[0-9]{4}$')),
    name          VARCHAR NOT NULL,
    county_code   VARCHAR,
    county_name   VARCHAR,
    valid_from    INTEGER NOT NULL,             -- first year (2013 = 2013 or earlier)
    valid_to      INTEGER,                      -- last year; NULL = exists today
    population    INTEGER,                      -- 1 January 2024, current ones only
    area_km2      DOUBLE,
    admin_centre  VARCHAR,
    PRIMARY KEY (code, valid_from)
);

CREATE TABLE municipality_change (
    predecessor  VARCHAR NOT NULL,
    successor    VARCHAR NOT NULL,
    year         INTEGER NOT NULL,              -- first year of the successor
    kind         VARCHAR NOT NULL CHECK (kind IN ('merger', 'split', 'renumbering')),
    PRIMARY KEY (predecessor, successor, year)
);

-- ---------------------------------------------------------------- indicators
CREATE TABLE indicator (
    id              VARCHAR PRIMARY KEY,
    name_nb         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    unit_nb         VARCHAR,
    unit_en         VARCHAR,
    -- +1 higher is better, -1 lower is better, 0 no desired direction / not yet set.
    direction       SMALLINT NOT NULL CHECK (direction IN (-1, 0, 1)),
    -- how a merged municipality's value is computed from its predecessors
    aggregation     VARCHAR NOT NULL CHECK (aggregation IN ('sum', 'weighted', 'none')),
    denominator     VARCHAR,                    -- indicator id used as weight ('weighted')
    decimals        SMALLINT NOT NULL DEFAULT 1,
    source          VARCHAR,
    description_nb  VARCHAR,
    description_en  VARCHAR,
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    CHECK (aggregation <> 'weighted' OR denominator IS NOT NULL)
);

CREATE TABLE indicator_target (
    indicator  VARCHAR NOT NULL REFERENCES indicator (id),
    target     VARCHAR NOT NULL REFERENCES target (target),
    PRIMARY KEY (indicator, target)
);

CREATE SEQUENCE import_batch_seq START 1;
CREATE TABLE import_batch (
    id           INTEGER PRIMARY KEY DEFAULT nextval('import_batch_seq'),
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR,
    sheet        VARCHAR,
    layout       VARCHAR,
    actor        VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    rows_total   INTEGER NOT NULL DEFAULT 0,
    state        VARCHAR NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'undone')),
    undone_at    TIMESTAMP,
    undone_by    VARCHAR,
    is_demo      BOOLEAN NOT NULL DEFAULT false
);

-- Every value ever imported stays. The current value of (municipality, indicator,
-- year) is the one from the newest active batch (view observation_current); undoing a
-- batch marks it 'undone', which brings back what it had superseded.
CREATE TABLE observation (
    municipality   VARCHAR NOT NULL,
    indicator      VARCHAR NOT NULL REFERENCES indicator (id),
    year           INTEGER NOT NULL,
    value          DOUBLE,                      -- NULL with a status symbol
    status_symbol  VARCHAR,                     -- SSB '.', '..', ':', '-'; Udir '*'
    note           VARCHAR,
    batch_id       INTEGER NOT NULL REFERENCES import_batch (id),
    PRIMARY KEY (batch_id, municipality, indicator, year)
);

CREATE VIEW observation_current AS
SELECT o.municipality, o.indicator, o.year, o.value, o.status_symbol, o.note, o.batch_id
FROM observation o
JOIN import_batch b ON b.id = o.batch_id AND b.state = 'active'
QUALIFY row_number() OVER (PARTITION BY o.municipality, o.indicator, o.year
                           ORDER BY o.batch_id DESC) = 1;

-- ------------------------------------------------------ governance structure
CREATE TABLE goal_area (
    code            VARCHAR PRIMARY KEY,
    sort            INTEGER NOT NULL,
    origin          VARCHAR NOT NULL CHECK (origin IN ('reform', 'local')),
    name_nb         VARCHAR NOT NULL,
    name_en         VARCHAR NOT NULL,
    description_nb  VARCHAR,
    description_en  VARCHAR
);

CREATE SEQUENCE local_goal_seq START 1;
CREATE TABLE local_goal (
    id            INTEGER PRIMARY KEY DEFAULT nextval('local_goal_seq'),
    municipality  VARCHAR NOT NULL,
    goal          INTEGER NOT NULL REFERENCES goal (goal),
    sort          INTEGER NOT NULL,
    text_nb       VARCHAR NOT NULL,
    text_en       VARCHAR,
    target        VARCHAR REFERENCES target (target),   -- optional link to one target
    is_demo       BOOLEAN NOT NULL DEFAULT false
);

CREATE SEQUENCE focus_decision_seq START 1;
CREATE TABLE focus_decision (
    id            INTEGER PRIMARY KEY DEFAULT nextval('focus_decision_seq'),
    municipality  VARCHAR NOT NULL,
    decided_on    DATE NOT NULL,
    goals         INTEGER[] NOT NULL,
    rationale_nb  VARCHAR,
    rationale_en  VARCHAR,
    settings      JSON,                         -- the matrix settings that produced it
    actor         VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    is_demo       BOOLEAN NOT NULL DEFAULT false
);

-- ------------------------------------------------------------------ ratings
CREATE SEQUENCE rating_source_seq START 1;
CREATE TABLE rating_source (
    id            INTEGER PRIMARY KEY DEFAULT nextval('rating_source_seq'),
    municipality  VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('survey', 'workshop', 'administration')),
    name          VARCHAR NOT NULL,
    held_on       DATE,
    scale_min     DOUBLE NOT NULL,
    scale_max     DOUBLE NOT NULL CHECK (scale_max > scale_min),
    batch_id      INTEGER REFERENCES import_batch (id),
    is_demo       BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE respondent_seq START 1;
CREATE TABLE respondent (
    id           INTEGER PRIMARY KEY DEFAULT nextval('respondent_seq'),
    source_id    INTEGER NOT NULL REFERENCES rating_source (id),
    external_id  VARCHAR,                        -- anonymous id from the file or session
    grp          VARCHAR,
    district     VARCHAR,
    age_band     VARCHAR,
    weight       DOUBLE NOT NULL DEFAULT 1 CHECK (weight > 0)
);

CREATE TABLE rating (
    respondent_id  INTEGER NOT NULL REFERENCES respondent (id),
    subject        VARCHAR NOT NULL,             -- goal '11' or target '11.2'
    axis           VARCHAR NOT NULL,             -- 'priority', 'influence', …
    value          DOUBLE NOT NULL,
    PRIMARY KEY (respondent_id, subject, axis)
);

CREATE TABLE materiality_note (                  -- opportunities / challenges per target
    municipality  VARCHAR NOT NULL,
    subject       VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('opportunity', 'challenge')),
    text          VARCHAR NOT NULL,
    actor         VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE setting (
    key    VARCHAR PRIMARY KEY,
    value  JSON NOT NULL
);

-- ------------------------------------------------------------ workshops
CREATE TABLE workshop_session (
    code          VARCHAR PRIMARY KEY,            -- join code
    source_id     INTEGER NOT NULL REFERENCES rating_source (id),
    subjects      VARCHAR[] NOT NULL,
    axes          VARCHAR[] NOT NULL,
    state         VARCHAR NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'open', 'closed', 'archived')),
    show_results  BOOLEAN NOT NULL DEFAULT false,
    created_by    VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- --------------------------------------------------------------- benefits
CREATE SEQUENCE benefit_seq START 1;
CREATE TABLE benefit (
    id                INTEGER PRIMARY KEY DEFAULT nextval('benefit_seq'),
    municipality      VARCHAR NOT NULL,
    goal_area         VARCHAR NOT NULL REFERENCES goal_area (code),
    name              VARCHAR NOT NULL,
    description       VARCHAR,
    kind              VARCHAR NOT NULL CHECK (kind IN ('efficiency', 'quality', 'others')),
    disbenefit        BOOLEAN NOT NULL DEFAULT false,
    indicator         VARCHAR REFERENCES indicator (id),
    zero_value        DOUBLE,
    zero_date         DATE,
    target_value      DOUBLE,
    target_date       DATE,
    owner             VARCHAR,
    responsible_unit  VARCHAR,
    frequency         VARCHAR,
    measure_source    VARCHAR,
    actions           VARCHAR,
    risk              VARCHAR,
    status_note       VARCHAR,
    is_demo           BOOLEAN NOT NULL DEFAULT false,
    updated_by        VARCHAR NOT NULL,
    updated_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK (target_date IS NULL OR zero_date IS NULL OR target_date > zero_date)
);

CREATE TABLE benefit_target (
    benefit_id  INTEGER NOT NULL REFERENCES benefit (id),
    target      VARCHAR NOT NULL REFERENCES target (target),
    PRIMARY KEY (benefit_id, target)
);

-- Every change to a benefit, as the row looked after it (who and when).
CREATE TABLE benefit_history (
    benefit_id  INTEGER NOT NULL,
    changed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    changed_by  VARCHAR NOT NULL,
    record      JSON NOT NULL
);
