package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;
import dev.kleiber.git.MergeResult;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.protocol.CompleteFile;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.scribe.MergedWork;
import dev.kleiber.scribe.Scribe;

import java.io.IOException;
import java.nio.file.Files;
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
 * Lands validated work on main, one merge at a time, never twice: a task whose {@code Kleiber-Task} trailer is
 * already on main counts as merged. Then the scribe records it from its done file.
 */
final class Merger {
    static final String MAIN = "main";

    sealed interface Result {
        /** {@code already}: main had the task's work before this call (a resumed run). */
        record Merged(String commit, boolean already) implements Result {
        }

        record Conflicted(List<String> files) implements Result {
        }
    }

    private final GitRepository git;
    private final Path root;
    private final ProtocolParser parser;
    private final Scribe scribe;
    private final Clock clock;

    Merger(GitRepository git, Path root, Set<String> roles, Clock clock) {
        this.git = git;
        this.root = root;
        this.parser = new ProtocolParser(roles);
        this.scribe = new Scribe(root);
        this.clock = clock;
    }

    boolean isMerged(String taskId) {
        return !mergesOf(taskId).isEmpty();
    }

    private List<String> mergesOf(String taskId) {
        return git.commitsWithTrailer(MAIN, "Kleiber-Task", taskId);
    }

    synchronized Result merge(RoutedTask task, int attempt) {
        List<String> already = mergesOf(task.id());
        if (!already.isEmpty()) {
            return new Result.Merged(already.getFirst(), true);
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("Kleiber-Task", task.id());
        trailers.put("Kleiber-Attempt", String.valueOf(attempt));
        CommitMessage message = CommitMessage.of("Merge " + task.id() + ": " + task.task().title(), trailers);
        return switch (git.merge(task.branch(), MAIN, message)) {
            case MergeResult.Merged merged -> new Result.Merged(merged.commit(), false);
            case MergeResult.Conflicted conflicted -> new Result.Conflicted(conflicted.files());
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
        Path file = root.resolve(new FileLocation(Kind.COMPLETE, task.agent(), task.id()).relativePath());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return switch (parser.parse(Files.readString(file))) {
                case ParseResult.Parsed parsed when parsed.document() instanceof CompleteFile complete -> Optional.of(complete);
                default -> Optional.empty();
            };
        } catch (IOException e) {
            throw KleiberException.failed("cannot read " + root.relativize(file) + ": " + e.getMessage(), e);
        }
    }

    /** The blocked file the conductor gets for a merge conflict. */
    Path writeConflict(RoutedTask task, List<String> files) {
        return write(new BlockedFile(task.id(), task.agent(), now(), BlockType.MERGE_CONFLICT,
                "Merging " + task.branch() + " into main conflicts in: " + String.join(", ", files) + ".",
                List.of("Merged " + task.branch() + " into main in a scratch worktree; git reported conflicts, the merge was aborted"),
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
