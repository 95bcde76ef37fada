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
        List<ChangedFile> files = new ArrayList<>();
        for (String commit : git.commitsWithTrailer("refs/heads/" + task.branch(), "Kleiber-Task", task.id())) {
            files.addAll(ChangedFile.parse(git.diff(commit + "^", commit)));
        }
        return trigger.reasons(files);
    }

    /** The reasons as the lines {@link RoutedTask#reasons()} prints. */
    static String lines(List<Reason> reasons) {
        StringBuilder text = new StringBuilder();
        reasons.forEach(r -> text.append("- ").append(r.ruleId()).append(": ").append(r.evidence()).append('\n'));
        return text.toString();
    }
}
