package dev.kleiber.scribe;

import dev.kleiber.git.CommitMessage;
import dev.kleiber.git.GitRepository;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run writes into the person's checkout — CHANGELOG.md, PROGRESS.md, the ADRs, the orchestration log,
 * validation reports, the protocol folders and the plans — committed on the main branch when the run stops, so
 * Kleiber leaves nothing uncommitted behind. Only these paths are committed: a person's own changes elsewhere,
 * staged or not, stay as they were.
 */
public final class RunRecords {
    /** The files and folders of the checkout Kleiber writes, relative to the repository. */
    static final List<String> PATHS = List.of("CHANGELOG.md", "PROGRESS.md", "orchestration_log.md", "docs/decisions",
            "docs/architecture", "reports", "tasks", "progress", "complete", "blocked", ".kleiber/plans");

    private final GitRepository git;
    private final Path root;
    private final String mainBranch;

    public RunRecords(GitRepository git, Path root, String mainBranch) {
        this.git = git;
        this.root = root;
        this.mainBranch = mainBranch;
    }

    /** How committing the records went. */
    public sealed interface Outcome {
        record Committed(String commit) implements Outcome {
        }

        record NothingToCommit() implements Outcome {
        }

        /** The checkout is on another branch (or detached): committing there would put the records off main. */
        record NotOnMain(Optional<String> branch) implements Outcome {
        }
    }

    public Outcome commit(String runId) {
        return commit(CommitMessage.of("kleiber: records of run " + runId
                + " (changelog, decisions, progress, reports, protocol files)", Map.of("Kleiber-Run", runId)));
    }

    /**
     * Commits what a person's decision outside a run wrote (an approval's CHANGELOG entry and ADRs, an answer's
     * blocked file) at once, so the checkout is left clean rather than until the next run ends.
     * {@code decision}: "approve", "reject" or "answer"; {@code by}: who, as recorded ("ana (from $USER)").
     */
    public Outcome commitDecision(String runId, String taskId, String decision, String by) {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("Kleiber-Run", runId);
        trailers.put("Kleiber-Task", taskId);
        trailers.put("Kleiber-Decided-By", by);
        return commit(CommitMessage.of("kleiber: records of " + decision + " " + taskId + " by " + by, trailers));
    }

    private Outcome commit(CommitMessage message) {
        Optional<String> branch = git.currentBranch(root);
        if (!branch.equals(Optional.of(mainBranch))) {
            return new Outcome.NotOnMain(branch);
        }
        return git.commitPaths(root, PATHS, message).<Outcome>map(Outcome.Committed::new)
                .orElseGet(Outcome.NothingToCommit::new);
    }
}
