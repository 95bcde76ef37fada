-- kleiber serve (issue 16): API tokens (only a SHA-256 of the secret is kept), dashboard sessions, the per-token
-- rate-limit buckets and the per-address failed-authentication counters. All in the store, so every server replica
-- on one PostgreSQL store sees the same tokens, sessions, limits and lockouts.
CREATE TABLE api_tokens (
    name          TEXT PRIMARY KEY,
    secret_hash   TEXT NOT NULL UNIQUE,
    scope         TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT,
    revoked_ms    BIGINT
);
CREATE TABLE api_sessions (
    id_hash     TEXT PRIMARY KEY,
    token_name  TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    expires_ms  BIGINT NOT NULL
);
CREATE INDEX idx_api_sessions_token ON api_sessions (token_name);
CREATE TABLE api_buckets (
    bucket      TEXT PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    updated_ms  BIGINT NOT NULL
);
CREATE TABLE api_auth_failures (
    address       TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    first_ms      BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL
);
