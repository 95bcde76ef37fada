-- Routing learns from outcomes (issue 21): per task of a run, the route it took (starting tier, the rules that
-- shaped it, whether review was forced) and what came of it. Recorded when a run stops; a resume updates the row.
CREATE TABLE route_outcomes (
    run_id               TEXT NOT NULL,
    task_id              TEXT NOT NULL,
    repository           TEXT NOT NULL,
    tier                 TEXT NOT NULL,
    rules                TEXT NOT NULL,
    forced               INTEGER NOT NULL,
    attempts             INTEGER NOT NULL,
    first_attempt_passed INTEGER NOT NULL,
    validation_failures  INTEGER NOT NULL,
    escalated            INTEGER NOT NULL,
    review_rejections    INTEGER NOT NULL,
    diff_sensitive       INTEGER NOT NULL,
    cost_pusd            BIGINT NOT NULL,
    final_state          TEXT NOT NULL,
    recorded_ms          BIGINT NOT NULL,
    PRIMARY KEY (run_id, task_id)
);
CREATE INDEX idx_route_outcomes_repository ON route_outcomes (repository, recorded_ms);
