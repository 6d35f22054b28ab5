-- 0005: live workshops (issue 6). A session (workshop_session, from 0001) rates with
-- its own rating_source of kind 'workshop'; each participant is a respondent of that
-- source and their votes are ordinary rows of `rating`, so the materiality page
-- includes them. Nothing is ever deleted: a reset archives the session.

ALTER TABLE workshop_session ADD COLUMN grp VARCHAR;               -- stakeholder group, copied to each participant
ALTER TABLE workshop_session ADD COLUMN scale_labels VARCHAR[];  -- one per scale step, or NULL
ALTER TABLE workshop_session ADD COLUMN replaced_by VARCHAR;      -- code of the fresh session after a reset
ALTER TABLE workshop_session ADD COLUMN updated_at TIMESTAMP;

-- One anonymous participant per browser session: the token lives in the URL (?p=…).
-- (No foreign key to workshop_session: DuckDB would then refuse its state updates.)
CREATE TABLE workshop_participant (
    token          VARCHAR PRIMARY KEY,
    code           VARCHAR NOT NULL,
    respondent_id  INTEGER NOT NULL REFERENCES respondent (id),
    joined_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
