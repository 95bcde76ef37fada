-- Kleiber's store on SQLite. Times are epoch milliseconds; money is integer picodollars (10^-12 USD),
-- exact for every price written with up to six decimals per million tokens.

CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    request     TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL
);

CREATE TABLE tasks (
    run_id      TEXT NOT NULL REFERENCES runs (id),
    id          TEXT NOT NULL,
    agent       TEXT NOT NULL,
    tier        TEXT NOT NULL,
    state       TEXT NOT NULL,
    fence       BIGINT NOT NULL DEFAULT 0,
    lease_id    TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (run_id, id)
);
CREATE INDEX idx_tasks_run_id_state ON tasks (run_id, state);

CREATE TABLE task_dependencies (
    run_id      TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    depends_on  TEXT NOT NULL,
    PRIMARY KEY (run_id, task_id, depends_on),
    FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, id),
    FOREIGN KEY (run_id, depends_on) REFERENCES tasks (run_id, id)
);

CREATE TABLE attempts (
    run_id      TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    tier        TEXT NOT NULL,
    holder      TEXT NOT NULL,
    fence       BIGINT NOT NULL,
    started_ms  BIGINT NOT NULL,
    ended_ms    BIGINT,
    outcome     TEXT,
    PRIMARY KEY (run_id, task_id, attempt),
    FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, id)
);

CREATE TABLE leases (
    id            TEXT PRIMARY KEY,
    holder        TEXT NOT NULL,
    subject       TEXT UNIQUE,
    fence         BIGINT NOT NULL,
    acquired_ms   BIGINT NOT NULL,
    heartbeat_ms  BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL
);
CREATE INDEX idx_leases_expires_ms ON leases (expires_ms);

CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms    BIGINT NOT NULL,
    run_id   TEXT NOT NULL,
    task_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX idx_events_run_id ON events (run_id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE ledger (
    id                     TEXT PRIMARY KEY,
    at_ms                  BIGINT NOT NULL,
    day                    TEXT NOT NULL,
    run_id                 TEXT NOT NULL,
    task_id                TEXT NOT NULL,
    attempt                INTEGER NOT NULL,
    agent                  TEXT NOT NULL,
    tier                   TEXT NOT NULL,
    model_id               TEXT NOT NULL,
    input_tokens           BIGINT NOT NULL,
    output_tokens          BIGINT NOT NULL,
    cache_write_5m_tokens  BIGINT NOT NULL,
    cache_write_1h_tokens  BIGINT NOT NULL,
    cache_read_tokens      BIGINT NOT NULL,
    cost_pusd              BIGINT NOT NULL,
    reserved_pusd          BIGINT NOT NULL,
    request_id             TEXT,
    outcome                TEXT NOT NULL
);
CREATE INDEX idx_ledger_day ON ledger (day);
CREATE INDEX idx_ledger_run_id_task_id ON ledger (run_id, task_id);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

CREATE TABLE reservations (
    id           TEXT PRIMARY KEY,
    lease_id     TEXT NOT NULL,
    day          TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    task_id      TEXT NOT NULL,
    agent        TEXT NOT NULL,
    model_id     TEXT NOT NULL,
    amount_pusd  BIGINT NOT NULL,
    created_ms   BIGINT NOT NULL
);
CREATE INDEX idx_reservations_lease_id ON reservations (lease_id);
CREATE INDEX idx_reservations_day ON reservations (day);

CREATE TABLE approvals (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms        BIGINT NOT NULL,
    scope        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    amount_pusd  BIGINT NOT NULL,
    approved_by  TEXT NOT NULL
);
CREATE INDEX idx_approvals_scope ON approvals (scope);

CREATE TABLE budget_pauses (
    id              TEXT PRIMARY KEY,
    scope           TEXT NOT NULL,
    since_ms        BIGINT NOT NULL,
    limit_name      TEXT NOT NULL,
    day             TEXT NOT NULL,
    limit_pusd      BIGINT NOT NULL,
    spent_pusd      BIGINT NOT NULL,
    reserved_pusd   BIGINT NOT NULL,
    requested_pusd  BIGINT NOT NULL,
    run_id          TEXT NOT NULL,
    task_id         TEXT NOT NULL,
    cleared_ms      BIGINT,
    cleared_by      TEXT
);
CREATE INDEX idx_budget_pauses_scope ON budget_pauses (scope);

CREATE TABLE locks (
    name   TEXT PRIMARY KEY,
    taken  BIGINT NOT NULL
);
INSERT INTO locks (name, taken) VALUES ('budget', 0);
INSERT INTO locks (name, taken) VALUES ('claims', 0);
