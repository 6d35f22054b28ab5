-- 0013: live workshop at real scale (issue 13).
--
-- * workshop_session.public: the facilitator lets anyone with the code see this
--   session's projector even when SDG_REQUIRE_LOGIN=1 (default: only signed-in users).
-- * workshop_removal: a facilitator removes a participant's answers. Nothing is
--   deleted from the vote log: a removal hides every vote of that participant up to
--   `up_to_seq` (the log's highest seq at the time) from every count; a later vote
--   of the same participant counts again. Each removal is also in the audit log.

ALTER TABLE workshop_session ADD COLUMN public BOOLEAN DEFAULT false;

CREATE TABLE workshop_removal (
    respondent_id  INTEGER NOT NULL,       -- a workshop_participant's respondent
    up_to_seq      BIGINT NOT NULL,        -- votes with seq <= this no longer count
    removed_by     VARCHAR NOT NULL,
    removed_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- rating_current (0010) without removed votes.
CREATE OR REPLACE VIEW rating_current AS
SELECT respondent_id, subject, axis, value FROM rating
UNION ALL
SELECT v.respondent_id, v.subject, v.axis, arg_max(v.value, v.seq) AS value
FROM workshop_vote v
WHERE NOT EXISTS (SELECT 1 FROM workshop_removal x
                  WHERE x.respondent_id = v.respondent_id AND v.seq <= x.up_to_seq)
GROUP BY v.respondent_id, v.subject, v.axis;
