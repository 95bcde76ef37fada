package dev.kleiber.conductor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.RemoteGit;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.FileText;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.store.Claim;
import dev.kleiber.store.Event;
import dev.kleiber.store.LeaseHolder;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Merges;
import dev.kleiber.store.Store;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import dev.kleiber.store.Tasks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A person's review of a task that a {@code kleiber worker} on another machine validated, in a run whose work lands
 * on a shared git remote (ADR 0134). The reviewer's checkout has neither the task's branch nor what the worker wrote
 * in its own cache, so:
 * <ul>
 *   <li>the worker {@link #publish publishes} what review needs that is not on the branch — the validation report and
 *       the task's protocol files (task, started, complete) — to the store, once its claim left the task awaiting
 *       review and its branch was pushed;</li>
 *   <li>{@link #show} fetches the remote into this machine's review clone ({@link RemoteCache}) and diffs the
 *       validated commit there;</li>
 *   <li>{@link #approve} takes the task's fence like a claim (in the store, then on the remote, so a worker that still
 *       thinks it holds the task can no longer push), checks the remote's branch is still at the validated commit,
 *       and merges it into the remote's main with its records under the remote's merge lease, exactly as a worker
 *       merges ({@link RemoteWorkspace#merge}). A merge found already on the remote's main (an approval cut short
 *       after its push) is recorded, not made again; a conflict blocks the task and its blocked file reaches the
 *       run's conductor through the store ({@link RemoteBlocked}).</li>
 * </ul>
 */
public final class RemoteReview {
    /** The store event that carries a validated commit's review records from the worker to the reviewer. */
    public static final String EVENT = "worker.review_records";
    private static final int MAX_FILE_BYTES = 256 * 1024;
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final List<Kind> PROTOCOL = List.of(Kind.TASK, Kind.STARTED, Kind.COMPLETE);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the worker sent for the review of {@code commit}: texts by path relative to the repository. */
    record Records(String commit, Map<String, String> files) {
        Records {
            files = Map.copyOf(files);
        }
    }

    private final Store store;
    private final Set<String> roles;
    private final String main;
    private final Clock clock;
    private final RemoteCache cache;
    private final String url;

    RemoteReview(Store store, Set<String> roles, String main, Clock clock, RemoteCache cache, String url) {
        this.store = store;
        this.roles = Set.copyOf(roles);
        this.main = main;
        this.clock = clock;
        this.cache = cache;
        this.url = url;
    }

    /**
     * After {@code claim}'s attempt on this worker: when it left its task awaiting review (and the attempt's end pushed
     * the branch), the validation report and the task's protocol files in {@code root} (this worker's checkout) go to
     * the store for whoever reviews. Each is a text of at most 256 KiB; a protocol file that does not parse as this
     * task's is left out, as the merge would leave it out.
     */
    public static void publish(Store store, Path root, Claim claim, Set<String> roles) {
        TaskRecord task = store.tasks().find(claim.task().runId(), claim.task().id()).orElseThrow();
        if (task.state() != TaskState.AWAITING_REVIEW || task.fence() != claim.lease().fence()) {
            return;
        }
        Optional<String> commit = validated(store, task);
        if (commit.isEmpty()) {
            return;
        }
        Map<String, String> files = new LinkedHashMap<>();
        new TaskProtocolTexts(root).readOne("reports", reportName(task.id()), MAX_FILE_BYTES)
                .ifPresent(report -> files.put(report.path(), report.text()
                        + (report.truncated() ? "\n(cut at " + MAX_FILE_BYTES / 1024 + " KiB)" : "")));
        for (Kind kind : PROTOCOL) {
            FileLocation location = new FileLocation(kind, task.agent(), task.id());
            Path file = root.resolve(location.relativePath());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                if (ProtocolFiles.read(file) instanceof FileText.Decoded.Text text && parses(text.text(), location, roles)) {
                    files.put(location.relativePath().toString(), text.text());
                }
            } catch (IOException e) {
                throw KleiberException.failed("cannot read " + location.relativePath() + " to send it for review: "
                        + e.getMessage(), e);
            }
        }
        ObjectNode body = JSON.createObjectNode().put("commit", commit.get());
        ObjectNode texts = body.putObject("files");
        files.forEach(texts::put);
        store.events().append(task.runId(), task.id(), EVENT, body.toString());
    }

    /**
     * What a worker sent for the review of {@code commit}, each text checked again as the reviewer reads it (a store
     * other processes write to is input): only the report and the task's own protocol files, within bounds.
     */
    static Optional<Records> received(Store store, TaskRecord task, String commit, Set<String> roles) {
        Optional<Records> newest = Optional.empty();
        for (Event event : store.events().ofTask(task.runId(), task.id())) {
            if (event.kind().equals(EVENT)) {
                Optional<Records> sent = parse(event.detail(), task, roles).filter(r -> r.commit().equals(commit));
                newest = sent.isPresent() ? sent : newest;
            }
        }
        return newest;
    }

    private static Optional<Records> parse(String detail, TaskRecord task, Set<String> roles) {
        JsonNode body;
        try {
            body = JSON.readTree(detail);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (body == null || !body.path("commit").isTextual()) {
            return Optional.empty();
        }
        Map<String, String> files = new LinkedHashMap<>();
        JsonNode texts = body.path("files");
        String report = "reports/" + reportName(task.id());
        if (texts.path(report).isTextual() && fits(texts.path(report).asText())) {
            files.put(report, texts.path(report).asText());
        }
        for (Kind kind : PROTOCOL) {
            FileLocation location = new FileLocation(kind, task.agent(), task.id());
            JsonNode text = texts.path(location.relativePath().toString());
            if (text.isTextual() && fits(text.asText()) && parses(text.asText(), location, roles)) {
                files.put(location.relativePath().toString(), text.asText());
            }
        }
        return Optional.of(new Records(body.path("commit").asText(), files));
    }

    private static boolean fits(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length <= MAX_FILE_BYTES + 64;
    }

    private static boolean parses(String text, FileLocation location, Set<String> roles) {
        return new ProtocolParser(roles).parse(text, location) instanceof ParseResult.Parsed;
    }

    private static Optional<String> validated(Store store, TaskRecord task) {
        return store.events().ofTask(task.runId(), task.id()).stream()
                .filter(e -> e.kind().equals(Conductor.VALIDATED_EVENT)).map(Event::detail)
                .reduce((first, second) -> second);
    }

    private static String reportName(String taskId) {
        return taskId + "-validation.md";
    }

    private Records require(ReviewDesk.Pending pending, TaskRecord task) {
        return received(store, task, pending.commit(), roles).orElseThrow(() -> KleiberException.failed(
                pending.taskId() + " was validated at " + pending.commit().substring(0, 12) + " by a worker of " + url
                        + ", which has not sent its review records (validation report, task files) yet: try again in a "
                        + "moment. If its worker died before it pushed the branch, `kleiber reject " + pending.taskId()
                        + " --feedback ...` runs it again."));
    }

    /** The task's diff as the remote has it (fetched into this machine's review clone) and the worker's report. */
    ReviewDesk.Details show(ReviewDesk.Pending pending, TaskRecord task) {
        Records records = require(pending, task);
        String diff;
        try (RemoteCache.Lock ignored = cache.lock(url)) {
            RemoteGit git = cache.open(url);
            git.fetch();
            if (git.commitOf(pending.commit()).isEmpty()) {
                throw KleiberException.failed("the commit " + pending.taskId() + " was validated at ("
                        + pending.commit().substring(0, 12) + ") is not on " + url + ": its branch was never pushed or "
                        + "was rewritten; `kleiber reject " + pending.taskId() + " --feedback ...` runs it again");
            }
            GitRepository repo = new GitRepository(git.clone(), cache.worktrees(url).resolve("_merge"));
            // the task's work alone: from the commit its first attempt started on, as on one machine
            List<String> own = repo.commitsWithTrailer(RemoteGit.BRANCHES + main + ".." + pending.commit(),
                    Merger.TASK_TRAILER, pending.taskId());
            String from = own.isEmpty() ? pending.commit() : own.getLast() + "^";
            diff = repo.diff(from, pending.commit());
        }
        String report = records.files().getOrDefault("reports/" + reportName(pending.taskId()),
                "(the worker sent no validation report for " + pending.taskId() + ")");
        return new ReviewDesk.Details(pending, diff, report);
    }

    /**
     * Merges the reviewed task into the remote's main, once: refused when another approval of it is under way, when
     * its branch on the remote moved from the validated commit, or when it was decided meanwhile. Returns the commit
     * that brought it to main.
     */
    String approve(ReviewDesk.Pending pending, TaskRecord record, RoutedTask task, String decidedBy) {
        Records records = require(pending, record);
        try (RemoteCache.Lock ignored = cache.lock(url)) {
            RemoteGit git = cache.open(url);
            Claim review = switch (store.tasks().leaseForReview(record.runId(), task.id(),
                    LeaseHolder.local().name("approve"), LEASE)) {
                case Tasks.ReviewLease.Taken taken -> taken.review();
                case Tasks.ReviewLease.Busy busy -> throw new ReviewDesk.ApprovalRacedException(task.id()
                        + " is being approved by " + busy.holder() + " right now; look again with `kleiber status` in a moment");
                case Tasks.ReviewLease.Decided decided -> throw new ReviewDesk.ApprovalRacedException(task.id()
                        + " is " + decided.state().id() + " now: another approval or rejection decided it meanwhile");
            };
            boolean settled = false;
            try (LeaseKeeper ignoredKeeper = new LeaseKeeper(store.leases(), review.lease(), LEASE, lost -> { })) {
                RemoteWorkspace workspace = RemoteWorkspace.forClaim(git, cache.worktrees(url), store, review, roles,
                        clock, cache.patience(), main);
                Optional<String> tip = workspace.openForReview(task, decidedBy);
                if (workspace.isMerged(record.runId(), task)) {
                    // an approval cut short between its push and the store's record: main has it, so record it
                    String merged = store.merges().find(record.runId(), task.id()).flatMap(Merges.MergeRecord::commit)
                            .orElseGet(() -> git.commitOf(RemoteGit.BRANCHES + main).orElseThrow());
                    store.tasks().settleReview(review, TaskState.MERGED, "approved by " + decidedBy + "; found merged on "
                            + "the remote's main as " + merged);
                    settled = true;
                    return merged;
                }
                if (!tip.equals(Optional.of(pending.commit()))) {
                    throw new ReviewDesk.BranchMovedException("cannot approve " + task.id() + ": its branch "
                            + task.branch() + " on " + url + " is " + tip.map(t -> "at " + t.substring(0, 12)).orElse("gone")
                            + ", not at " + pending.commit().substring(0, 12) + " (validated, the commit a review shows); "
                            + "the approval would cover work nobody reviewed. Run it again (`kleiber reject " + task.id()
                            + " --feedback ...`) so the new commit is validated and reviewed.");
                }
                writeRecords(git.clone(), records, task);
                switch (workspace.merge(record.runId(), task, review.attempt())) {
                    case Workspace.MergeResult.Merged merged -> {
                        store.tasks().settleReview(review, TaskState.MERGED, "approved by " + decidedBy + " at "
                                + pending.commit() + "; merged into the remote's main as " + merged.commit());
                        settled = true;
                        return merged.commit();
                    }
                    case Workspace.MergeResult.Conflicted conflicted -> {
                        String file = workspace.writeConflict(task, conflicted.files());
                        store.tasks().settleReview(review, TaskState.BLOCKED, "merge conflict in "
                                + String.join(", ", conflicted.files()));
                        settled = true;
                        // the run's conductor answers it, as a worker's conflict (ADR 0133)
                        RemoteBlocked.publish(store, git.clone(), review, roles);
                        throw KleiberException.failed("approved, but merging " + task.branch() + " into the main of "
                                + url + " conflicts in " + String.join(", ", conflicted.files()) + "; the task is blocked ("
                                + file + "), and the run's conductor answers it");
                    }
                }
            } finally {
                if (!settled) {
                    store.tasks().endReview(review);
                }
            }
        }
    }

    /**
     * The task's protocol files as the worker sent them, into the review clone's own folder, where the merge takes
     * its records from ({@link RemoteWorkspace}): what an earlier review of a task of the same id left is replaced.
     */
    private static void writeRecords(Path root, Records records, RoutedTask task) {
        for (Kind kind : PROTOCOL) {
            Path relative = new FileLocation(kind, task.agent(), task.id()).relativePath();
            Path file = root.resolve(relative);
            try {
                Optional<String> text = Optional.ofNullable(records.files().get(relative.toString()));
                if (text.isPresent()) {
                    AtomicFiles.write(file, text.get());
                } else {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw KleiberException.failed("cannot write " + relative + " into the review clone: " + e.getMessage(), e);
            }
        }
    }
}
