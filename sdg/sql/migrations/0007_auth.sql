-- 0007: local accounts, role mapping for OpenID Connect e-mails, and the audit log.

CREATE TABLE app_user (
    name            VARCHAR PRIMARY KEY,          -- user name, or e-mail for OIDC users
    email           VARCHAR UNIQUE,
    role            VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'facilitator', 'admin')),
    password_hash   VARCHAR,                      -- NULL for users who sign in through OIDC
    failed_count    INTEGER NOT NULL DEFAULT 0,
    last_failure    TIMESTAMP,
    disabled        BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE audit_log_seq START 1;
CREATE TABLE audit_log (
    id        BIGINT PRIMARY KEY DEFAULT nextval('audit_log_seq'),
    happened_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor     VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,                   -- the permission used, e.g. 'data.import'
    detail    VARCHAR,                            -- what, in words or JSON
    batch_id  INTEGER                             -- the import batch, where there is one
);
