package dev.kleiber.conductor;

import dev.kleiber.protocol.BlockedFile;
import dev.kleiber.routing.ChangedFile;
import dev.kleiber.routing.Tier;
import dev.kleiber.scribe.RunRecords;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The repository the conductor works on: a worktree per attempt on the task's branch, the branch's tip and
 * changes, merges into main, and the files that record them (CHANGELOG, blocked files). {@link GitWorkspace} is
 * the git one; a remote workspace adds fetch and push behind the same calls.
 */
public interface Workspace {
    /** A fresh worktree for {@code attempt} on the task's branch (from main when the branch is new); its path. */
    Path open(RoutedTask task, int attempt);

    /** Removes the attempt's worktree; the branch keeps the commits. Idempotent. */
    void close(RoutedTask task, int attempt);

    /** Removes every worktree of these tasks (their attempts are over). */
    void tidy(Collection<RoutedTask> finished);

    /** Before a run continues and nothing merges: removes the scratch work a crash left. */
    void recover();

    /**
     * Makes the attempt's worktree hold exactly its commit before validation: files git ignores or never tracked that
     * the agent's commands left (a planted {@code node_modules}, a coverage report) are removed, so validation judges
     * the commit and nothing else.
     */
    void clean(RoutedTask task, Path worktree);

    /** The commit at the tip of the task's branch. */
    String tip(RoutedTask task);

    /** Every file the task's own commits touched (not deleted), across its attempts. */
    List<Path> changedPaths(RoutedTask task);

    /** What the task's own commits changed, file by file with the lines they added (for the diff trigger). */
    List<ChangedFile> diff(RoutedTask task);

    /** Whether main already has the task's work from run {@code runId} (merged before a crash let the store hear of it). */
    boolean isMerged(String runId, RoutedTask task);

    /** Merges the task's branch into main, for run {@code runId}. */
    MergeResult merge(String runId, RoutedTask task, int attempt);

    /** Documents a merged task (CHANGELOG, its done file); idempotent. */
    void recordMerged(RoutedTask task, Tier tier);

    /**
     * Commits what the run wrote into the checkout (CHANGELOG, ADRs, PROGRESS, reports, protocol files) on main, so
     * nothing Kleiber wrote is left uncommitted; a workspace without a checkout of its own has nothing to commit.
     */
    default RunRecords.Outcome commitRecords(String runId) {
        return new RunRecords.Outcome.NothingToCommit();
    }

    /**
     * The end of a conductor's session: {@code write} puts the run's summary (its PROGRESS entry, the day's summary in
     * orchestration_log.md) into a folder holding main's files, and the summary is committed on main with the run's
     * records. Here that folder is {@code checkout}, the conductor's own; a workspace whose main is elsewhere (a
     * shared remote) writes into main as it is there and pushes it.
     */
    default RunRecords.Outcome commitSummary(String runId, Path checkout, Consumer<Path> write) {
        write.accept(checkout);
        return commitRecords(runId);
    }

    /** Writes the blocked file for a merge conflict; returns its path relative to the repository. */
    String writeConflict(RoutedTask task, List<String> files);

    /** Writes a blocked file; returns its path relative to the repository. */
    String writeBlocked(BlockedFile file);

    /** Whether the task's branch exists (it has work from an earlier attempt). */
    boolean hasBranch(RoutedTask task);

    /** Deletes the task's branch (and its worktrees): its next attempt starts from main again. */
    void dropBranch(RoutedTask task);

    /**
     * Creates {@code branch} from main with {@code original}'s branch merged in, conflicts committed as they are (for
     * resolution task {@code resolutionId} to resolve); returns the files that conflicted.
     */
    List<String> branchWithConflicts(String resolutionId, String branch, RoutedTask original);

    /** How a merge ended. */
    sealed interface MergeResult {
        record Merged(String commit) implements MergeResult {
        }

        record Conflicted(List<String> files) implements MergeResult {
            public Conflicted {
                files = List.copyOf(files);
            }
        }
    }
}
