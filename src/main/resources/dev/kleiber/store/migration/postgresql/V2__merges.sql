-- Which run's task (and which attempt) landed on main, as which merge commit. A merge is recorded as intended
-- (main's commit before it) before git moves main, and as done with its commit after: a crash in between is
-- settled by reading only main's commits since main_before, never all of main's history.
CREATE TABLE merges (
    run_id        TEXT NOT NULL,
    task_id       TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    main_before   TEXT NOT NULL,
    merge_commit  TEXT,
    started_ms    BIGINT NOT NULL,
    merged_ms     BIGINT,
    PRIMARY KEY (run_id, task_id)
);
CREATE INDEX idx_merges_task_id ON merges (task_id);
