package dev.kleiber.conductor;

import dev.kleiber.git.GitRepository;
import dev.kleiber.routing.ChangedFile;
import dev.kleiber.routing.DiffTrigger;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.SensitivePaths;

import java.util.ArrayList;
import java.util.List;

/**
 * The diff trigger applied to a task's own commits: after validation passes and before the merge, a task the
 * router sent without review stops for a person when its change touches sensitive code.
 */
final class DiffReview {
    /** The event that records why the diff needs a person, one reason a line; {@code review show} prints it. */
    static final String EVENT = "review.diff";

    private final GitRepository git;
    private final DiffTrigger trigger;

    DiffReview(GitRepository git, SensitivePaths sensitivePaths) {
        this.git = git;
        this.trigger = new DiffTrigger(sensitivePaths);
    }

    /** Why the task's change needs review; empty when it touches nothing sensitive. */
    List<Reason> reasons(RoutedTask task) {
        // the branch's whole change since it left main: one diff, never an older task's commits of the same id
        List<ChangedFile> files = new ArrayList<>(ChangedFile.parse(git.diff(Merger.MAIN + "...refs/heads/" + task.branch())));
        return trigger.reasons(files);
    }

    /** The reasons as the lines {@link RoutedTask#reasons()} prints. */
    static String lines(List<Reason> reasons) {
        StringBuilder text = new StringBuilder();
        reasons.forEach(r -> text.append("- ").append(r.ruleId()).append(": ").append(r.evidence()).append('\n'));
        return text.toString();
    }
}
