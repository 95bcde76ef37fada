package dev.kleiber.app;

import dev.kleiber.KleiberException;
import dev.kleiber.conductor.ReviewDesk;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunEventJson;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import dev.kleiber.conductor.BlockedDesk;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.ProtocolRenderer;
import dev.kleiber.scribe.RunRecords;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The decisions only a person makes — approve or reject a reviewed task, raise a budget or approve extra spend — as
 * {@code kleiber approve}, {@code reject}, {@code budget} and the API's write routes all make them. {@code by} is
 * recorded with each: a name and where it came from ("ana (from $USER)", "phone (token)").
 */
public final class Decisions {
    private final Store store;
    private final Ledger ledger;
    private final ReviewDesk reviewDesk;
    private final ProjectConfig project;
    private final Clock clock;
    private final RunRecords records;

    /** @param records commits what a decision wrote into the checkout (CHANGELOG, ADRs, a blocked file) at once */
    public Decisions(Store store, Ledger ledger, ReviewDesk reviewDesk, ProjectConfig project, Clock clock,
                     RunRecords records) {
        this.store = store;
        this.ledger = ledger;
        this.reviewDesk = reviewDesk;
        this.project = project;
        this.clock = clock;
        this.records = records;
    }

    /** What a person reviews: the task's diff from main and the commit it was validated at. */
    public ReviewDesk.Details review(String runId, String taskId) {
        awaitingReview(runId, taskId);
        return reviewDesk.show(runId, taskId);
    }

    /**
     * Answers the question the conductor asked a person about a blocked task: the blocked file is rewritten with the
     * question as its problem and the answer as what the conductor needs, which the conductor takes on resume. Returns
     * the file, relative to the repository.
     */
    public String answer(String runId, String taskId, String answer, String by) {
        if (!TaskIds.isValid(taskId)) {
            throw KleiberException.badInput("'" + taskId + "' is not a task id: " + TaskIds.RULE);
        }
        TaskRecord task = store.tasks().find(runId, taskId)
                .orElseThrow(() -> new NotFoundException("no task '" + taskId + "' in run '" + runId + "'"));
        String question = BlockedDesk.questions(store, runId).get(taskId);
        if (task.state() != TaskState.BLOCKED || question == null) {
            throw new ConflictException(taskId + " is " + task.state().id() + " and the conductor asks no question about it");
        }
        String relative = FileLocation.blockedFile(task.agent(), taskId);
        Path file = project.layout().root().resolve(relative);
        BlockType type = BlockType.UNCLEAR_REQUIREMENTS;
        try {
            if (Files.isRegularFile(file) && new ProtocolParser(project.knownRoles()).parse(Files.readString(file))
                    instanceof ParseResult.Parsed parsed && parsed.document() instanceof BlockedFile blocked) {
                type = blocked.type();
            }
            BlockedFile answered = new BlockedFile(taskId, task.agent(), OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS),
                    type, question, List.of("Asked a person"), answer.strip() + "\n\n(Answered by " + by + ".)", List.of(),
                    List.of());
            Files.createDirectories(file.getParent());
            Files.writeString(file, ProtocolRenderer.render(answered));
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + relative + ": " + e.getMessage(), e);
        }
        store.events().append(runId, taskId, BlockedDesk.PERSON_ANSWERED_EVENT, "by " + by);
        published(new RunEvent.PersonAnswered(runId, taskId, by, relative));
        commitRecords(runId, taskId, "answer", by);
        return relative;
    }

    /**
     * The run a decision about {@code taskId} means: {@code named} when given; else the latest run, unless the task
     * waits for a person (review or an answer) only in one earlier run. Two earlier runs waiting on the same id must be named.
     */
    public String runFor(Optional<String> named, String taskId) {
        return runFor(store, named, taskId);
    }

    /** {@link #runFor(Optional, String)} on {@code store}. */
    public static String runFor(Store store, Optional<String> named, String taskId) {
        if (named.isPresent()) {
            store.runs().find(named.get()).orElseThrow(() -> new NotFoundException("no run '" + named.get() + "' in the store"));
            return named.get();
        }
        String latest = ReviewDesk.runId(store, Optional.empty());
        // awaiting review or blocked on a question: approve, reject and answer find the one run where it waits
        List<String> runs = store.tasks().waitingForPerson().stream()
                .filter(t -> t.id().equals(taskId))
                .map(TaskRecord::runId).distinct().toList();
        if (runs.isEmpty() || runs.contains(latest)) {
            return latest;
        }
        if (runs.size() == 1) {
            return runs.getFirst();
        }
        throw KleiberException.badInput(taskId + " waits for a person in runs " + String.join(", ", runs)
                + "; say which with --run ID");
    }

    /**
     * Merges a task waiting for review. {@code seenCommit}, when given, is the commit the person reviewed: the
     * approval is refused unless the task's branch is still exactly there.
     */
    public String approve(String runId, String taskId, Optional<String> seenCommit, String by) {
        awaitingReview(runId, taskId);
        if (seenCommit.isPresent()) {
            String validated = reviewDesk.pending(runId).stream().filter(p -> p.taskId().equals(taskId)).findFirst()
                    .orElseThrow().commit();
            if (!validated.equals(seenCommit.get())) {
                throw new ConflictException("cannot approve " + taskId + ": the commit you saw (" + shortSha(seenCommit.get())
                        + ") is not the one validated for review (" + shortSha(validated) + "); look at the diff again");
            }
        }
        String merged;
        try {
            merged = reviewDesk.approve(runId, taskId, by);
        } catch (ReviewDesk.BranchMovedException | ReviewDesk.ApprovalRacedException
                 | dev.kleiber.store.LeaseLostException e) {
            // the last: a remote run's approval that lost the task meanwhile (its run cancelled, its lease taken over)
            throw new ConflictException(e.getMessage());
        }
        published(new RunEvent.Merged(runId, taskId, merged));
        store.events().append(runId, taskId, RunDocuments.APPROVED_EVENT, "by " + by + "; merged as " + merged);
        // a remote run's records went to the remote's main with the merge: this checkout is not the run's
        if (!reviewDesk.isRemote(runId)) {
            commitRecords(runId, taskId, "approve", by);
        }
        return merged;
    }

    /** Sends a task waiting for review back to its agent with {@code feedback}. */
    public void reject(String runId, String taskId, String feedback, String by) {
        awaitingReview(runId, taskId);
        try {
            reviewDesk.reject(runId, taskId, feedback, by);
        } catch (dev.kleiber.store.LeaseLostException e) {
            // a remote run's task whose approval is under way
            throw new ConflictException(e.getMessage());
        }
        published(new RunEvent.TaskQueued(runId, taskId, "rejected by " + by));
        store.events().append(runId, taskId, RunDocuments.REJECTED_EVENT, "by " + by);
        if (!reviewDesk.isRemote(runId)) {
            commitRecords(runId, taskId, "reject", by);
        }
    }

    /**
     * What the decision wrote into the checkout is committed now, not when the next run ends. The decision stands
     * when that cannot be done (the checkout is off main, git is busy): the event says why, and the next run's records
     * commit takes the files.
     */
    private void commitRecords(String runId, String taskId, String decision, String by) {
        String why;
        try {
            if (!(records.commitDecision(runId, taskId, decision, by) instanceof RunRecords.Outcome.NotOnMain off)) {
                return;
            }
            why = "the checkout is on " + off.branch().map(b -> "branch " + b).orElse("no branch") + ", not the main branch";
        } catch (KleiberException e) {
            why = e.getMessage();
        }
        published(new RunEvent.HousekeepingFailed(runId, "commit the records of " + decision + " " + taskId, why
                + "; they are left uncommitted until the next run"));
    }

    /**
     * A person's decision moved a task outside the conductor: record it as the typed event the conductor would have
     * sent, so live streams (the dashboard watching from another device) see it too (dashboard, issue 17).
     */
    private void published(RunEvent event) {
        java.time.Instant at = clock.instant();
        store.runEvents().append(event.runId(), event.taskId(), at, RunEventJson.kind(event), RunEventJson.write(event, at));
    }

    /** Raises a limit to {@code toUsd}; paused work may continue. Returns the new limit. */
    public BigDecimal raiseBudget(Ledger.Target target, BigDecimal toUsd, String by) {
        return ledger.raise(target, toUsd, by);
    }

    /** Approves {@code extraUsd} on top of a limit; paused work may continue. Returns the new limit. */
    public BigDecimal approveExtra(Ledger.Target target, BigDecimal extraUsd, String by) {
        return ledger.approveExtra(target, extraUsd, by);
    }

    private void awaitingReview(String runId, String taskId) {
        if (!TaskIds.isValid(taskId)) {
            throw KleiberException.badInput("'" + taskId + "' is not a task id: " + TaskIds.RULE);
        }
        TaskRecord task = store.tasks().find(runId, taskId)
                .orElseThrow(() -> new NotFoundException("no task '" + taskId + "' in run '" + runId + "'"));
        if (task.state() != TaskState.AWAITING_REVIEW) {
            throw new ConflictException(taskId + " is " + task.state().id() + ", not awaiting_review; only a task "
                    + "waiting for review can be approved or rejected");
        }
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
