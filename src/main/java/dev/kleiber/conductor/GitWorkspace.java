package dev.kleiber.conductor;

import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.FileChange;
import dev.kleiber.git.GitRepository;
import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.routing.ChangedFile;
import dev.kleiber.routing.Tier;
import dev.kleiber.scribe.RunRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@link Workspace} of a local git repository: each attempt works in its own worktree
 * {@code .kleiber/worktrees/{task-id}@{attempt}}, so that a worker whose lease was lost never shares a folder with the
 * worker that holds the task now; merges go through {@link Merger} (a scratch worktree, then main moves forward).
 */
final class GitWorkspace implements Workspace {
    private final GitRepository git;
    private final Path root;
    private final Path worktrees;
    private final Merger merger;

    GitWorkspace(GitRepository git, Path root, Path worktrees, Merger merger) {
        this.git = git;
        this.root = root;
        this.worktrees = worktrees.toAbsolutePath().normalize();
        this.merger = merger;
    }

    @Override
    public Path open(RoutedTask task, int attempt) {
        // an earlier attempt's worktree holds the branch (git checks a branch out once): a crashed or superseded
        // attempt left it, and its holder no longer owns the task
        for (Path stale : foldersOf(Set.of(task.id()))) {
            git.removeWorktree(stale);
        }
        return git.addWorktree(pathOf(task, attempt), task.branch(), merger.mainBranch()).path();
    }

    @Override
    public void close(RoutedTask task, int attempt) {
        Path path = pathOf(task, attempt);
        // a registration whose folder is gone is pruned once per run (recover), not looked up per attempt
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            git.removeWorktree(path);
        }
    }

    @Override
    public void clean(RoutedTask task, Path worktree) {
        git.cleanWorktree(worktree);
    }

    @Override
    public void tidy(Collection<RoutedTask> finished) {
        Set<String> ids = new LinkedHashSet<>();
        finished.forEach(t -> ids.add(t.id()));
        for (Path stale : foldersOf(ids)) {
            git.removeWorktree(stale);
        }
    }

    @Override
    public RunRecords.Outcome commitRecords(String runId) {
        return new RunRecords(git, root, merger.mainBranch()).commit(runId);
    }

    @Override
    public void recover() {
        // a merge cut short by a crash leaves the scratch worktree behind
        git.removeWorktree(worktrees.resolve("_merge"));
        git.pruneWorktrees();
    }

    /**
     * The worktree folders of these tasks' attempts (and of {@code agent run}, which uses the bare id), found in the
     * folder rather than by listing git's worktrees: a listing races with another worker's worktree being added.
     */
    private List<Path> foldersOf(Set<String> ids) {
        if (ids.isEmpty() || !Files.isDirectory(worktrees)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(worktrees)) {
            return folders.filter(path -> {
                String name = path.getFileName().toString();
                int at = name.indexOf('@');
                return ids.contains(at < 0 ? name : name.substring(0, at));
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + worktrees + ": " + e.getMessage(), e);
        }
    }

    Path pathOf(RoutedTask task, int attempt) {
        return worktrees.resolve(task.id() + "@" + attempt);
    }

    @Override
    public String tip(RoutedTask task) {
        return git.commitOf("refs/heads/" + task.branch());
    }

    @Override
    public List<Path> changedPaths(RoutedTask task) {
        // one diff from where the branch left main
        return git.changes(merger.mainBranch() + "...refs/heads/" + task.branch()).stream()
                .filter(change -> change.kind() != FileChange.Kind.DELETED).map(change -> Path.of(change.path())).toList();
    }

    @Override
    public List<ChangedFile> diff(RoutedTask task) {
        // the branch's whole change since it left main: one diff, never an older task's commits of the same id
        return ChangedFile.parse(git.diff(merger.mainBranch() + "...refs/heads/" + task.branch()));
    }

    @Override
    public boolean isMerged(String runId, RoutedTask task) {
        return merger.isMerged(runId, task);
    }

    @Override
    public MergeResult merge(String runId, RoutedTask task, int attempt) {
        return switch (merger.merge(runId, task, attempt)) {
            case Merger.Result.Merged merged -> new MergeResult.Merged(merged.commit());
            case Merger.Result.Conflicted conflicted -> new MergeResult.Conflicted(conflicted.files());
        };
    }

    @Override
    public void recordMerged(RoutedTask task, Tier tier) {
        merger.record(task, tier.id());
    }

    @Override
    public String writeConflict(RoutedTask task, List<String> files) {
        return relative(merger.writeConflict(task, files));
    }

    @Override
    public String writeBlocked(BlockedFile file) {
        return relative(merger.write(file));
    }

    @Override
    public boolean hasBranch(RoutedTask task) {
        return git.branchExists(task.branch());
    }

    @Override
    public void dropBranch(RoutedTask task) {
        for (Path stale : foldersOf(Set.of(task.id()))) {
            git.removeWorktree(stale);
        }
        git.deleteBranch(task.branch());
    }

    @Override
    public List<String> branchWithConflicts(String resolutionId, String branch, RoutedTask original) {
        Path worktree = worktrees.resolve(resolutionId);
        if (git.branchExists(branch)) {
            // left by an answer a crash interrupted before the store knew of it
            git.removeWorktree(worktree);
            git.deleteBranch(branch);
        }
        git.addWorktree(worktree, branch, merger.mainBranch());
        try {
            Map<String, String> trailers = new LinkedHashMap<>();
            trailers.put("Kleiber-Task", resolutionId);
            trailers.put("Kleiber-Attempt", "0");
            return git.mergeKeepingConflicts(worktree, original.branch(), CommitMessage.of("Merge " + original.branch()
                    + " for " + resolutionId + ": conflicts left for the agent to resolve", trailers));
        } finally {
            git.removeWorktree(worktree);
        }
    }

    private String relative(Path file) {
        return root.relativize(file).toString();
    }
}
