package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.MergeResult;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.CompleteFile;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.FileText;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.scribe.MergedWork;
import dev.kleiber.scribe.Scribe;
import dev.kleiber.store.Merges;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lands validated work on main, one merge at a time, never twice: the store records each merge of a run's task
 * (intended before git moves main, done after), so "already merged" means this run's task, never an older task that
 * had the same id. A crash between git and the store is settled from main's commits since the intent only. Then
 * the scribe records it from its done file.
 */
final class Merger {
    static final String TASK_TRAILER = "Kleiber-Task";
    static final String RUN_TRAILER = "Kleiber-Run";

    sealed interface Result {
        /** {@code already}: main had the task's work before this call (a resumed run). */
        record Merged(String commit, boolean already) implements Result {
        }

        record Conflicted(List<String> files) implements Result {
        }
    }

    private final GitRepository git;
    private final Merges merges;
    private final Path root;
    private final ProtocolParser parser;
    private final Scribe scribe;
    private final Clock clock;
    private final String main;

    /** {@code mainBranch}: the branch work lands on ({@code layout.main_branch} of kleiber.yaml). */
    Merger(GitRepository git, Merges merges, Path root, Set<String> roles, Clock clock, String mainBranch) {
        this.git = git;
        this.main = mainBranch;
        this.merges = merges;
        this.root = root;
        this.parser = new ProtocolParser(roles);
        this.scribe = new Scribe(root);
        this.clock = clock;
    }

    String mainBranch() {
        return main;
    }

    /**
     * Whether this run's task is on main: from the store, from git only for a merge a crash left unconfirmed, and
     * for a task whose merge conflicted, through the merge of its resolution task (which carried its commits).
     */
    boolean isMerged(String runId, RoutedTask task) {
        return mergedCommit(runId, task.id()).or(() -> landedThroughResolution(runId, task)).isPresent();
    }

    private Optional<String> mergedCommit(String runId, String taskId) {
        Optional<Merges.MergeRecord> record = merges.find(runId, taskId);
        if (record.isEmpty() || record.get().commit().isPresent()) {
            return record.flatMap(Merges.MergeRecord::commit);
        }
        // intended, never confirmed: did git move main before the crash? Only main's newest commits can say.
        Optional<String> landed = git.commitsWithTrailers(record.get().mainBefore() + ".." + main,
                Map.of(RUN_TRAILER, runId, TASK_TRAILER, taskId)).stream().findFirst();
        landed.ifPresentOrElse(commit -> merges.done(runId, taskId, commit), () -> merges.abandon(runId, taskId));
        return landed;
    }

    /** The merge of this run's resolution task for {@code task} (see {@link Triage#withResolution}) if it holds the task's branch. */
    private Optional<String> landedThroughResolution(String runId, RoutedTask task) {
        String base = Triage.resolutionBase(task.id());
        for (Merges.MergeRecord resolution : merges.ofRun(runId)) {
            boolean resolves = resolution.taskId().equals(base) || resolution.taskId().startsWith(base + "-");
            if (resolves && resolution.commit().isPresent() && git.branchExists(task.branch())
                    && git.isAncestor("refs/heads/" + task.branch(), resolution.commit().get())) {
                merges.intend(runId, task.id(), resolution.attempt(), resolution.mainBefore());
                merges.done(runId, task.id(), resolution.commit().get());
                return resolution.commit();
            }
        }
        return Optional.empty();
    }

    synchronized Result merge(String runId, RoutedTask task, int attempt) {
        Optional<String> already = mergedCommit(runId, task.id());
        if (already.isPresent()) {
            return new Result.Merged(already.get(), true);
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(TASK_TRAILER, task.id());
        trailers.put("Kleiber-Attempt", String.valueOf(attempt));
        trailers.put(RUN_TRAILER, runId);
        CommitMessage message = CommitMessage.of("Merge " + task.id() + ": " + task.task().title(), trailers);
        String before = git.commitOf("refs/heads/" + main);
        merges.intend(runId, task.id(), attempt, before);
        return switch (git.merge(task.branch(), main, before, message)) {
            case MergeResult.Merged merged -> {
                merges.done(runId, task.id(), merged.commit());
                yield new Result.Merged(merged.commit(), false);
            }
            case MergeResult.Conflicted conflicted -> {
                merges.abandon(runId, task.id());
                yield new Result.Conflicted(conflicted.files());
            }
        };
    }

    /** CHANGELOG.md and the ADRs of the task's done file; a task without a done file is recorded from its plan. */
    List<Path> record(RoutedTask task, String model) {
        Optional<CompleteFile> done = doneFile(task);
        return scribe.record(new MergedWork(task.id(), task.task().title(), task.agent(),
                done.map(d -> d.modelUsed().id()).orElse(model),
                done.map(CompleteFile::summary).orElse(task.task().description()),
                done.map(CompleteFile::decisions).orElse(List.of()), now()));
    }

    Optional<CompleteFile> doneFile(RoutedTask task) {
        Path relative = new FileLocation(Kind.COMPLETE, task.agent(), task.id()).relativePath();
        // read as protocol files are read for people: no link followed, resolved inside its folder, bounded
        return new TaskProtocolTexts(root).readOne(relative.getName(0).toString(),
                        relative.subpath(1, relative.getNameCount()).toString(), FileText.MAX_BYTES)
                .filter(file -> !file.truncated())
                .flatMap(file -> parser.parse(file.text()) instanceof ParseResult.Parsed parsed
                        && parsed.document() instanceof CompleteFile complete ? Optional.of(complete) : Optional.empty());
    }

    /** The blocked file the conductor gets for a merge conflict. */
    Path writeConflict(RoutedTask task, List<String> files) {
        return write(new BlockedFile(task.id(), task.agent(), now(), BlockType.MERGE_CONFLICT,
                "Merging " + task.branch() + " into " + main + " conflicts in: " + String.join(", ", files) + ".",
                List.of("Merged " + task.branch() + " into " + main + " without a checkout; git reported conflicts, " + main + " did not move"),
                "Resolve the conflict on " + task.branch() + " (or re-plan the task), then run `kleiber resume`.",
                List.of(), List.of()));
    }

    Path write(BlockedFile file) {
        try {
            return ProtocolFiles.write(root, file);
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + file.location().relativePath() + ": " + e.getMessage(), e);
        }
    }

    OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
    }
}
