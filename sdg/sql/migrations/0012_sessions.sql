-- 0012: sign-in sessions that last across reloads and tabs (issue 14), forced password
-- change after a reset.
--
-- The browser holds a random token in an HttpOnly cookie; only its SHA-256 is stored,
-- so a copy of the database signs nobody in. A session ends at expires_at, or when it
-- is revoked (sign-out, the user disabled, a password reset).

CREATE TABLE user_session (
    token_hash   VARCHAR PRIMARY KEY,             -- hex SHA-256 of the cookie's token
    user_name    VARCHAR NOT NULL,                -- app_user.name
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,                       -- NULL while the session is live
    revoked_why  VARCHAR                          -- 'sign_out', 'disabled', 'password_reset', ...
);

ALTER TABLE app_user ADD COLUMN must_change_password BOOLEAN DEFAULT false;
