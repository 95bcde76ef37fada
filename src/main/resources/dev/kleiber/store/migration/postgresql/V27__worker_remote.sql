-- Following a run on many machines (issue 18, ADR 0137): the git remote whose runs a `kleiber worker` claims, as
-- its --remote gave it ('' for a worker registered before this column). A run's conductor asks whether a live
-- worker of the run's own remote can take its ready tasks, and says so when none has been seen for a while.
ALTER TABLE workers ADD COLUMN remote TEXT NOT NULL DEFAULT '';
