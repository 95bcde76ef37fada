package dev.kleiber.cli;

import dev.kleiber.config.ProjectConfig;
import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.store.Merges;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;

import java.nio.file.Files;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Task ids of a new plan that name work an earlier run already merged. Kleiber keeps them apart (a merge belongs to
 * its run), but a person reading the log, the branches or the CHANGELOG meets the same id twice: `plan check` says so.
 */
final class ReusedTaskIds {
    private ReusedTaskIds() {
    }

    /** One line per earlier merge of an id the plan uses; none when the project has no store yet. */
    static List<String> notes(ProjectConfig project, Plan plan, Clock clock) {
        LedgerSettings settings = LedgerSettings.of(project.layout(), project.settings(), Optional.empty());
        if (settings.store() instanceof StoreUrl.Sqlite sqlite && !Files.exists(sqlite.file())) {
            return List.of();
        }
        try (Store store = Store.open(settings.store(), clock)) {
            return store.merges().ofTaskIds(plan.tasks().stream().map(PlannedTask::id).toList()).stream()
                    .map(ReusedTaskIds::note).toList();
        }
    }

    private static String note(Merges.MergeRecord merge) {
        return "Note: task id '" + merge.taskId() + "' was already merged by run " + merge.runId()
                + merge.commit().map(c -> " as " + c.substring(0, Math.min(12, c.length()))).orElse("")
                + merge.mergedAt().map(at -> " on " + at.atOffset(ZoneOffset.UTC).toLocalDate()).orElse("")
                + "; this plan's '" + merge.taskId() + "' will run as new work (rename it if it is different work).";
    }
}
