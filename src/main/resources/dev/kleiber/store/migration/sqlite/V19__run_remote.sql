-- Runs on many machines (issue 18): the git remote a run's work is pushed to, as `kleiber run --remote` gave it
-- ('' for a run whose conductor runs every task in its own checkout). A `kleiber worker` claims tasks of the
-- runs of its own remote only, so two repositories can share one store.
ALTER TABLE runs ADD COLUMN remote TEXT NOT NULL DEFAULT '';
