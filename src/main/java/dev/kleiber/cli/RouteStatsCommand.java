package dev.kleiber.cli;

import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.routing.Adaptation;
import dev.kleiber.routing.Learning;
import dev.kleiber.routing.RouteOutcome;
import dev.kleiber.routing.RouteStats;
import dev.kleiber.store.RouteOutcomes;
import dev.kleiber.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code kleiber route stats}: how routed tasks fared, per rule and per tier, and what routing learned. */
@Command(name = "stats",
        mixinStandardHelpOptions = true,
        description = {"Show, per routing rule and per tier, how this repository's tasks fared: first-attempt "
                + "validation pass rate, escalation rate, cost, and how often a forced review was needed (the reviewer "
                + "rejected the work or its diff touched sensitive code). Also lists the classes routing now raises a tier "
                + "because their tasks escalated or failed validation (routing.learning in kleiber.yaml)."},
        footer = {"", "Examples:", "  kleiber route stats", "  kleiber route stats --json"})
final class RouteStatsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--store", paramLabel = "URL", description = "sqlite, sqlite:PATH or postgresql://user:pass@host:port/db.")
    String store;

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        Learning learning = ProjectConfig.load(layout).settings().routing().learning();
        LedgerSettings settings = LedgerSettings.of(context, Optional.ofNullable(store));
        try (Store opened = Store.open(settings.store(), context.clock())) {
            List<RouteOutcome> outcomes = new RouteOutcomes(opened.database()).recent(layout.root().toString());
            RouteStats stats = RouteStats.of(outcomes, Adaptation.from(outcomes, learning));
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? Json.write(toJson(stats, outcomes.size(), learning)) + "\n"
                    : text(stats, outcomes.size(), learning));
        }
    }

    static String text(RouteStats stats, int tasks, Learning learning) {
        StringBuilder text = new StringBuilder();
        if (tasks == 0) {
            return "No routed task has finished a run in this repository yet; `kleiber run` records each task's route "
                    + "and outcome.\n";
        }
        text.append("Routing outcomes of the last ").append(tasks).append(tasks == 1 ? " task" : " tasks").append('\n');
        table(text, "Per tier", stats.byTier());
        table(text, "Per rule", stats.byRule());
        text.append('\n').append("Learning: ").append(learning.enabled()
                ? "on (a class is raised a tier when more than " + percent(learning.threshold()) + " of its last "
                        + learning.window() + " tasks on a tier escalated or failed validation)"
                : "off (routing.learning: off in kleiber.yaml)").append('\n');
        stats.raises().forEach(r -> text.append("  raised: ").append(r.rule()).append(" on ").append(r.tier().id())
                .append(" now starts on ").append(r.tier().up().id()).append(" (").append(r.evidence()).append(")\n"));
        return text.toString();
    }

    private static void table(StringBuilder text, String title, List<RouteStats.Row> rows) {
        text.append('\n').append(title).append(":\n");
        text.append(String.format(Locale.ROOT, "  %-32s %6s %12s %10s %10s %16s%n", "", "tasks", "1st pass", "escalated",
                "cost", "review needed"));
        for (RouteStats.Row row : rows) {
            text.append(String.format(Locale.ROOT, "  %-32s %6d %12s %10s %10s %16s%n", row.name(), row.tasks(),
                    percent(row.firstAttemptPassRate()), percent(row.escalationRate()), "$" + row.costUsd().toPlainString(),
                    row.forcedReviewPrecision().map(p -> percent(p) + " of " + row.forced()).orElse("-")));
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static Map<String, Object> toJson(RouteStats stats, int tasks, Learning learning) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tasks", tasks);
        json.put("byTier", stats.byTier().stream().map(RouteStatsCommand::row).toList());
        json.put("byRule", stats.byRule().stream().map(RouteStatsCommand::row).toList());
        Map<String, Object> learned = new LinkedHashMap<>();
        learned.put("enabled", learning.enabled());
        learned.put("window", learning.window());
        learned.put("threshold", learning.threshold());
        learned.put("raises", stats.raises().stream().map(r -> {
            Map<String, Object> raise = new LinkedHashMap<>();
            raise.put("rule", r.rule());
            raise.put("tier", r.tier().id());
            raise.put("to", r.tier().up().id());
            raise.put("reason", r.evidence());
            return raise;
        }).toList());
        json.put("learning", learned);
        return json;
    }

    private static Map<String, Object> row(RouteStats.Row row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", row.name());
        json.put("tasks", row.tasks());
        json.put("firstAttemptPassRate", row.firstAttemptPassRate());
        json.put("escalationRate", row.escalationRate());
        json.put("failedValidation", row.failedValidation());
        json.put("costUsd", row.costUsd());
        json.put("forcedReviews", row.forced());
        json.put("forcedReviewPrecision", row.forcedReviewPrecision().orElse(null));
        return json;
    }
}
