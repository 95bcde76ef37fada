-- Every typed RunEvent the conductor publishes, in order (contract A): what the server's live stream, the dashboard
-- and the metrics read. kind is the event record's simple name; body its JSON (RunEventJson). Append-only.
CREATE TABLE run_events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id   TEXT NOT NULL,
    task_id  TEXT NOT NULL,
    at_ms    BIGINT NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX idx_run_events_run_id_seq ON run_events (run_id, seq);
CREATE TRIGGER run_events_no_update BEFORE UPDATE ON run_events BEGIN SELECT RAISE(ABORT, 'run events are append-only'); END;
CREATE TRIGGER run_events_no_delete BEFORE DELETE ON run_events BEGIN SELECT RAISE(ABORT, 'run events are append-only'); END;
-- inserts take this lock, so that seq order is commit order (a reader resuming "after seq" misses nothing)
INSERT INTO locks (name, taken) VALUES ('run_events', 0);
