-- Every typed RunEvent the conductor publishes, in order (contract A): what the server's live stream, the dashboard
-- and the metrics read. kind is the event record's simple name; body its JSON (RunEventJson). Append-only.
CREATE TABLE run_events (
    seq      BIGSERIAL PRIMARY KEY,
    run_id   TEXT NOT NULL,
    task_id  TEXT NOT NULL,
    at_ms    BIGINT NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX idx_run_events_run_id_seq ON run_events (run_id, seq);
CREATE TRIGGER run_events_append_only BEFORE UPDATE OR DELETE ON run_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
-- inserts take this row lock, so that seq order is commit order: a sequence hands out numbers at insert, and two
-- concurrent transactions could otherwise commit seq 8 before seq 7, and a reader that saw 8 would never see 7
INSERT INTO locks (name, taken) VALUES ('run_events', 0);
