package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.git.GitRepository;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.routing.Router;
import dev.kleiber.store.Event;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The human gate: tasks waiting for review, what a reviewer needs to see, and the decision. An approval is
 * bound to the commit that was validated and shown: if the branch moved since, it is refused.
 */
public final class ReviewDesk {
    private static final int MAX_REPORT_BYTES = 256 * 1024;

    /** One task waiting for a person: the commit validated and the routing reasons that demand review. */
    public record Pending(String taskId, String agent, String title, String branch, String commit, String reasons) {
    }

    /** An approval refused because the task's branch is no longer at the commit that was validated and shown. */
    public static final class BranchMovedException extends KleiberException {
        BranchMovedException(String message) {
            super(message, FAILED);
        }
    }

    /**
     * An approval of a remote run's task refused because another decision about it is under way (another approval)
     * or came first (an approval or a rejection between the look and the approval's lease); ADR 0134.
     */
    public static final class ApprovalRacedException extends KleiberException {
        ApprovalRacedException(String message) {
            super(message, FAILED);
        }
    }

    /** What `review show` prints. */
    public record Details(Pending pending, String diff, String validationReport) {
    }

    static final String REJECTED_EVENT = "review.rejected";

    private final Store store;
    private final GitRepository git;
    private final ProjectConfig project;
    private final Router router;
    private final Merger merger;
    private final Clock clock;
    private final RemoteCache remotes;

    /** @param remotes where this machine clones the remote of a run on many machines, to review its tasks */
    public ReviewDesk(Store store, GitRepository git, ProjectConfig project, Router router, Clock clock,
                      RemoteCache remotes) {
        this.store = store;
        this.git = git;
        this.project = project;
        this.router = router;
        this.clock = clock;
        this.remotes = remotes;
        this.merger = new Merger(git, store.merges(), project.layout().root(), project.knownRoles(), clock,
                project.settings().layout().mainBranch());
    }

    public List<Pending> pending(String runId) {
        RunPlan plan = RunPlan.load(store, runId, project.knownRoles(), router);
        return store.tasks().ofRun(runId).stream().filter(t -> t.state() == TaskState.AWAITING_REVIEW)
                .map(t -> pending(plan, t)).toList();
    }

    public Details show(String runId, String taskId) {
        Pending pending = require(runId, taskId);
        Optional<RemoteReview> remote = remote(runId);
        if (remote.isPresent()) {
            return remote.get().show(pending, store.tasks().find(runId, taskId).orElseThrow());
        }
        // the task's work alone: from the commit its first attempt started on (not an older task's of the same id)
        List<String> own = git.commitsWithTrailer(merger.mainBranch() + ".." + pending.commit(), Merger.TASK_TRAILER, taskId);
        String from = own.isEmpty() ? pending.commit() : own.getLast() + "^";
        // read as the protocol files are: shown to people and served to read tokens, so no link is followed
        String name = taskId + "-validation.md";
        String text = new TaskProtocolTexts(project.layout().root()).readOne("reports", name, MAX_REPORT_BYTES)
                .map(report -> report.text() + (report.truncated() ? "\n(cut at " + MAX_REPORT_BYTES / 1024 + " KiB)" : ""))
                .orElse("(no validation report at reports/" + name + ")");
        return new Details(pending, git.diff(from, pending.commit()), text);
    }

    /**
     * Merges the reviewed task; refuses when its branch moved since it was validated. {@code decidedBy} names the
     * person and where the name came from, and is recorded with the merge.
     */
    public String approve(String runId, String taskId, String decidedBy) {
        Pending pending = require(runId, taskId);
        RoutedTask task = RunPlan.load(store, runId, project.knownRoles(), router).task(taskId);
        Optional<RemoteReview> remote = remote(runId);
        if (remote.isPresent()) {
            return remote.get().approve(pending, store.tasks().find(runId, taskId).orElseThrow(), task, decidedBy);
        }
        String head = git.commitOf("refs/heads/" + pending.branch());
        if (!head.equals(pending.commit())) {
            throw new BranchMovedException("cannot approve " + taskId + ": its branch " + pending.branch() + " moved from "
                    + pending.commit().substring(0, 12) + " (validated, the commit a review shows) to " + head.substring(0, 12)
                    + " since; the approval would cover work nobody reviewed. Run it again (`kleiber reject " + taskId
                    + " --feedback ...` then `kleiber resume`) so the new commit is validated and reviewed.");
        }
        TaskRecord record = store.tasks().find(runId, taskId).orElseThrow();
        return switch (merger.merge(runId, task, record.attempts())) {
            case Merger.Result.Merged merged -> {
                store.tasks().transition(runId, taskId, TaskState.MERGED, "approved by " + decidedBy + " at "
                        + pending.commit() + "; merged as " + merged.commit());
                merger.record(task, record.tier().id());
                Path worktree = project.layout().worktreesDir().resolve(taskId).toAbsolutePath().normalize();
                if (Files.exists(worktree)) {
                    git.removeWorktree(worktree);
                }
                yield merged.commit();
            }
            case Merger.Result.Conflicted conflicted -> {
                merger.writeConflict(task, conflicted.files());
                store.tasks().transition(runId, taskId, TaskState.BLOCKED, "merge conflict in "
                        + String.join(", ", conflicted.files()));
                throw KleiberException.failed("approved, but merging " + pending.branch() + " into main conflicts in "
                        + String.join(", ", conflicted.files()) + "; the task is blocked (" + FileLocation.blockedFile(task.agent(), taskId) + ")");
            }
        };
    }

    /** Whether {@code runId} runs on the workers of a git remote: its tasks are reviewed against that remote. */
    public boolean isRemote(String runId) {
        return store.runs().remoteOf(runId).isPresent();
    }

    private Optional<RemoteReview> remote(String runId) {
        return store.runs().remoteOf(runId).map(url -> new RemoteReview(store, project.knownRoles(),
                merger.mainBranch(), clock, remotes, url));
    }

    /** Sends the task back to the queue; its next attempt sees the feedback. {@code decidedBy} is recorded. */
    public void reject(String runId, String taskId, String feedback, String decidedBy) {
        Pending pending = require(runId, taskId);
        if (feedback.isBlank()) {
            throw KleiberException.badInput("--feedback must say what to change");
        }
        store.events().append(runId, taskId, Conductor.FEEDBACK_EVENT, "A human reviewer rejected the previous attempt: "
                + feedback.strip());
        // the next attempt must bring a new commit: this one never goes back to review
        store.events().append(runId, taskId, REJECTED_EVENT, pending.commit());
        store.tasks().transition(runId, taskId, TaskState.QUEUED, "rejected in review by " + decidedBy + ": "
                + feedback.strip());
    }

    /** The commit a person last rejected in review, if any. */
    static Optional<String> rejected(Store store, String runId, String taskId) {
        return store.events().ofTask(runId, taskId).stream().filter(e -> e.kind().equals(REJECTED_EVENT))
                .map(Event::detail).reduce((first, second) -> second);
    }

    private Pending require(String runId, String taskId) {
        TaskRecord record = store.tasks().find(runId, taskId)
                .orElseThrow(() -> KleiberException.badInput("no task '" + taskId + "' in run '" + runId + "'"));
        if (record.state() != TaskState.AWAITING_REVIEW) {
            throw KleiberException.badInput(taskId + " is " + record.state().id() + ", not awaiting_review; `kleiber review` "
                    + "lists the tasks waiting for a person");
        }
        return pending(RunPlan.load(store, runId, project.knownRoles(), router), record);
    }

    private Pending pending(RunPlan plan, TaskRecord record) {
        RoutedTask task = plan.task(record.id());
        String commit = store.events().ofRun(plan.runId()).stream()
                .filter(e -> e.taskId().equals(record.id()) && e.kind().equals(Conductor.VALIDATED_EVENT))
                .map(Event::detail).reduce((first, second) -> second)
                .orElseThrow(() -> KleiberException.failed(record.id() + " awaits review but no validated commit is recorded"));
        String diffReasons = store.events().ofRun(plan.runId()).stream()
                .filter(e -> e.taskId().equals(record.id()) && e.kind().equals(DiffReview.EVENT))
                .map(Event::detail).reduce((first, second) -> second).orElse("");
        return new Pending(record.id(), record.agent(), task.task().title(), task.branch(), commit,
                task.reasons() + diffReasons);
    }

    /** The run a command means: the one named, else the latest. */
    public static String runId(Store store, Optional<String> named) {
        if (named.isPresent()) {
            store.runs().find(named.get()).orElseThrow(() -> KleiberException.badInput("no run '" + named.get() + "' in the store"));
            return named.get();
        }
        List<dev.kleiber.store.Runs.RunRecord> runs = store.runs().all();
        if (runs.isEmpty()) {
            throw KleiberException.badInput("no run yet; start one with `kleiber run --plan FILE`");
        }
        return runs.getLast().id();
    }
}
