-- How often each task's attempts failed, by kind: the conductor's retry ladder reads the agent's failures,
-- the bound on transient errors (a git lock, a busy store) reads the others. Kept across resumes.
CREATE TABLE task_failures (
    run_id      TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    failures    INTEGER NOT NULL,
    PRIMARY KEY (run_id, task_id, kind),
    FOREIGN KEY (run_id, task_id) REFERENCES tasks (run_id, id)
);
