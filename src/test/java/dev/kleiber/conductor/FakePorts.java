package dev.kleiber.conductor;

import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.routing.ChangedFile;
import dev.kleiber.routing.Tier;
import dev.kleiber.validate.CheckResult;
import dev.kleiber.validate.CheckStatus;
import dev.kleiber.validate.ValidationReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Ports of the conductor that need no git, no sandbox and no model: for unit tests of its decisions. */
final class FakePorts {
    private FakePorts() {
    }

    /** A worker whose answer per attempt a test scripts; it records what it was given. */
    static final class ScriptedWorker implements Worker {
        private final Function<Worker.Assignment, WorkOutcome> script;
        final List<Worker.Assignment> assignments = new CopyOnWriteArrayList<>();

        ScriptedWorker(Function<Worker.Assignment, WorkOutcome> script) {
            this.script = script;
        }

        @Override
        public WorkOutcome run(Worker.Assignment assignment, RunListener events) {
            assignments.add(assignment);
            return script.apply(assignment);
        }

        List<String> started() {
            return assignments.stream().map(a -> a.task().id() + "#" + a.attempt() + "@" + a.tier().id()).toList();
        }
    }

    /**
     * A repository in memory: worktrees are plain folders, a merge succeeds unless a test scripts it otherwise
     * (a conflict, or an exception such as a git lock), and what was merged and documented is kept.
     */
    static final class MemoryWorkspace implements Workspace {
        private final Path root;
        final List<String> merged = new CopyOnWriteArrayList<>();
        final List<String> recorded = new CopyOnWriteArrayList<>();
        final List<Path> opened = new CopyOnWriteArrayList<>();
        final List<String> blockedFiles = new CopyOnWriteArrayList<>();
        final Map<String, Function<String, MergeResult>> merges = new ConcurrentHashMap<>();
        final Map<String, List<ChangedFile>> diffs = new ConcurrentHashMap<>();
        /** Tasks whose branch has no change of its own (the agent changed nothing). */
        final java.util.Set<String> unchanged = ConcurrentHashMap.newKeySet();
        /** The worktrees cleaned to their commit before validation, in order. */
        final List<Path> cleaned = new java.util.concurrent.CopyOnWriteArrayList<>();

        MemoryWorkspace(Path root) {
            this.root = root;
        }

        @Override
        public Path open(RoutedTask task, int attempt) {
            Path path = root.resolve(".kleiber/worktrees").resolve(task.id() + "@" + attempt);
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            opened.add(path);
            return path;
        }

        @Override
        public void close(RoutedTask task, int attempt) {
            try {
                Files.deleteIfExists(root.resolve(".kleiber/worktrees").resolve(task.id() + "@" + attempt));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void clean(RoutedTask task, Path worktree) {
            cleaned.add(worktree);
        }

        @Override
        public void tidy(Collection<RoutedTask> finished) {
        }

        @Override
        public void recover() {
        }

        @Override
        public String tip(RoutedTask task) {
            return "c0ffee" + String.format("%034x", Math.abs(task.id().hashCode()));
        }

        @Override
        public List<Path> changedPaths(RoutedTask task) {
            return unchanged.contains(task.id()) ? List.of() : List.of(Path.of("src", task.id() + ".js"));
        }

        @Override
        public List<ChangedFile> diff(RoutedTask task) {
            return diffs.getOrDefault(task.id(), List.of());
        }

        @Override
        public boolean isMerged(String runId, RoutedTask task) {
            return merged.contains(task.id());
        }

        @Override
        public MergeResult merge(String runId, RoutedTask task, int attempt) {
            MergeResult result = merges.getOrDefault(task.id(), id -> new MergeResult.Merged("m" + tip(task))).apply(task.id());
            if (result instanceof MergeResult.Merged) {
                merged.add(task.id());
            }
            return result;
        }

        @Override
        public void recordMerged(RoutedTask task, Tier tier) {
            recorded.add(task.id());
        }

        @Override
        public String writeConflict(RoutedTask task, List<String> files) {
            String file = "blocked/" + task.agent() + "/" + task.id() + "-conflict.md";
            blockedFiles.add(file);
            return file;
        }

        @Override
        public String writeBlocked(BlockedFile file) {
            String path = file.location().relativePath().toString();
            blockedFiles.add(path);
            return path;
        }

        @Override
        public boolean hasBranch(RoutedTask task) {
            return false;
        }

        @Override
        public void dropBranch(RoutedTask task) {
        }

        @Override
        public List<String> branchWithConflicts(String resolutionId, String branch, RoutedTask original) {
            return List.of();
        }
    }

    /** A validator that passes, or fails the attempts a test lists ({@code task#attempt} is not known here: by call). */
    static final class CountingValidator implements TaskValidator {
        private final Function<String, Boolean> passes;
        final List<String> validated = new CopyOnWriteArrayList<>();

        CountingValidator(Function<String, Boolean> passes) {
            this.passes = passes;
        }

        static CountingValidator passing() {
            return new CountingValidator(id -> true);
        }

        @Override
        public ValidationReport validate(RoutedTask task, Path worktree, String commit, List<Path> changed) {
            validated.add(task.id());
            boolean pass = passes.apply(task.id());
            return new ValidationReport(task.id(), Instant.parse("2026-12-01T12:00:00Z"), Optional.of(commit),
                    List.of(new CheckResult("test", pass ? CheckStatus.PASS : CheckStatus.FAIL, Duration.ofMillis(5),
                            pass ? "`npm test` exited with 0" : "`npm test` exited with 1", pass ? "" : "1 failing")));
        }
    }

    /** Every event a run published, in order. */
    static final class Recorder implements RunListener {
        final List<RunEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void on(RunEvent event) {
            events.add(event);
        }

        <T extends RunEvent> List<T> of(Class<T> type) {
            List<T> out = new ArrayList<>();
            events.stream().filter(type::isInstance).map(type::cast).forEach(out::add);
            return out;
        }
    }
}
