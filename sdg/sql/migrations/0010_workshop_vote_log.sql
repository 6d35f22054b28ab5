-- 0010: workshop votes become an append-only log; rating_current is what is counted.
--
-- Until now a vote was an upsert into `rating`: a changed answer overwrote the earlier
-- one, and every vote paid for `rating`'s primary-key index and its foreign key to
-- respondent. Both changes below follow from the issue-6 load test (300 phones × 17
-- ratings at once), where the group commit's one statement took 15–20 ms, most of the
-- time phones waited for it:
--
-- * workshop_vote keeps EVERY submission's ratings, in order (`seq`). A changed answer
--   is a new row; the earlier one is kept, as the rest of the product keeps old values.
--   The counted value of (participant, subject, axis) is the one with the highest seq.
-- * It has no primary key and no foreign key, so appending a burst is a plain append
--   (5,100 rows: ~4 ms instead of ~15 ms on the development machine). Its rows hold by construction: the only
--   writer (Store.submit_workshop_vote) appends rows only for tokens it found in
--   workshop_participant, whose respondent_id references respondent; nothing deletes
--   a respondent. seq is the group commit's submission order, which continues from
--   the log's highest seq when a process first votes, so it grows across restarts.
--
-- Ratings of workshop participants already in `rating` move into the log (seq 0, one
-- row per item as the key kept them), so no answer is counted twice; imported ratings
-- (survey, administration, workshop sheets) stay in `rating`.

CREATE TABLE workshop_vote (
    respondent_id  INTEGER NOT NULL,       -- a workshop_participant's respondent (see above)
    subject        VARCHAR NOT NULL,
    axis           VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    seq            BIGINT NOT NULL,        -- submission order: the highest counts
    voted_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

INSERT INTO workshop_vote (respondent_id, subject, axis, value, seq)
SELECT r.respondent_id, r.subject, r.axis, r.value, 0
FROM rating r JOIN workshop_participant p ON p.respondent_id = r.respondent_id
ORDER BY r.respondent_id, r.axis, r.subject;

DELETE FROM rating
WHERE respondent_id IN (SELECT respondent_id FROM workshop_participant);

-- Every rating as it counts now: the imported ones, and each workshop participant's
-- latest vote per item.
CREATE VIEW rating_current AS
SELECT respondent_id, subject, axis, value FROM rating
UNION ALL
SELECT respondent_id, subject, axis, arg_max(value, seq) AS value
FROM workshop_vote
GROUP BY respondent_id, subject, axis;
