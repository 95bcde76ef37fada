-- Workers on many machines (issue 18). A task's place in its run's scheduling order (lower starts first), so a
-- worker that claims from any run takes the critical path first; the tags a task needs on the worker that runs
-- it (comma-separated, sorted; '' for none); when each run last had a task claimed, so claims go round-robin
-- across runs and one big run cannot starve another.
ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN requires TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN last_claim_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX idx_tasks_state ON tasks (state);

-- The live `kleiber worker` processes: who and where they are, what they offer, and until when they are
-- believed alive (their heartbeat extends it; a row past expires_ms is a dead worker).
CREATE TABLE workers (
    holder        TEXT PRIMARY KEY,
    host          TEXT NOT NULL,
    pid           BIGINT NOT NULL,
    slots         INTEGER NOT NULL,
    tags          TEXT NOT NULL,
    started_ms    BIGINT NOT NULL,
    heartbeat_ms  BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL
);
