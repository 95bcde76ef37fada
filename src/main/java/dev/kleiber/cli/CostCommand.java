package dev.kleiber.cli;

import dev.kleiber.Counted;
import dev.kleiber.KleiberException;
import dev.kleiber.app.LedgerDocuments;
import dev.kleiber.ledger.CostReport;
import dev.kleiber.ledger.DailySummary;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.OrchestrationLog;
import dev.kleiber.ledger.TokenUsage;
import dev.kleiber.ledger.Usd;
import dev.kleiber.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** {@code kleiber cost}: spend by model, agent and task, and what it would have cost all on Opus. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = {"Show spend of a day (default today) or a run, by model, agent and task, with what the same "
                + "tokens would have cost all on the Opus tier's model."})
final class CostCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "The day, in the budget's time zone (default: today).")
    String day;

    @Option(names = "--run", paramLabel = "ID", description = "Only this run (all its days unless --day is given).")
    String run;

    @Option(names = "--json", description = "Print one JSON document (as GET /api/v1/cost): totals, byModel, byAgent, byTask, allOpusUsd, byDay.")
    boolean json;

    @Option(names = "--summary", description = "Append the day's Daily Summary to orchestration_log.md and print it.")
    boolean summary;

    @Option(names = "--store", paramLabel = "URL", description = "sqlite, sqlite:PATH or postgresql://user:pass@host:port/db.")
    String store;

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        LedgerSettings settings = LedgerSettings.of(context, Optional.ofNullable(store));
        Optional<LocalDate> wantedDay = Optional.ofNullable(day).map(CostCommand::parseDay);
        if (summary && run != null) {
            throw KleiberException.badInput("--summary covers a whole day; leave out --run");
        }
        try (Store opened = Store.open(settings.store(), context.clock())) {
            Ledger ledger = new Ledger(opened, settings.prices(), settings.models(), settings.limits(), context.clock());
            PrintWriter out = spec.commandLine().getOut();
            if (summary) {
                DailySummary daily = ledger.dailySummary(wantedDay.orElse(ledger.today()));
                OrchestrationLog log = new OrchestrationLog(settings.repositoryRoot().resolve("orchestration_log.md"));
                log.appendSummary(daily);
                out.print(OrchestrationLog.renderSummary(daily));
                return;
            }
            Optional<LocalDate> reportDay = run == null ? Optional.of(wantedDay.orElse(ledger.today())) : wantedDay;
            CostReport report = ledger.cost(reportDay, Optional.ofNullable(run));
            if (run != null && report.calls() == 0 && opened.runs().find(run).isEmpty()) {
                // as `status` does: a misspelt run id must not read as a run that cost nothing
                throw KleiberException.badInput("no run '" + run + "' in the store; `kleiber status` shows the latest run");
            }
            // the same document as GET /api/v1/cost, byDay included: one service for both
            out.print(json ? Json.write(LedgerDocuments.cost(ledger, wantedDay, Optional.ofNullable(run))) + "\n" : text(report));
        }
    }

    static LocalDate parseDay(String text) {
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw KleiberException.badInput("--day must be a date as YYYY-MM-DD, e.g. 2025-01-09; found '" + text + "'");
        }
    }

    static String text(CostReport report) {
        StringBuilder out = new StringBuilder("Cost");
        report.day().ifPresent(d -> out.append(" on ").append(d));
        report.runId().ifPresent(r -> out.append(" of run ").append(r));
        out.append(": ").append(Usd.fine(report.totalUsd())).append(" in ").append(calls(report.calls())).append('\n');
        if (report.calls() == 0) {
            return out.append("No calls recorded.\n").toString();
        }
        out.append("All on Opus (").append(report.opusModel()).append(") the same tokens would have cost ")
                .append(Usd.fine(report.allOpusUsd())).append('\n');
        section(out, "By model", report.byModel().stream().map(l -> new String[] {l.name(), calls(l.calls()),
                tokenText(l.tokens()), Usd.fine(l.costUsd())}).toList());
        section(out, "By agent", report.byAgent().stream().map(l -> new String[] {l.name(), calls(l.calls()),
                tokenText(l.tokens()), Usd.fine(l.costUsd())}).toList());
        section(out, "By task", report.byTask().stream().map(t -> new String[] {t.runId() + "/" + t.taskId()
                + " (" + t.agent() + ")", calls(t.calls()), tokenText(t.tokens()), Usd.fine(t.costUsd())}).toList());
        return out.toString();
    }

    private static void section(StringBuilder out, String title, List<String[]> rows) {
        out.append('\n').append(title).append('\n');
        int[] widths = new int[4];
        rows.forEach(r -> {
            for (int i = 0; i < 4; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        rows.forEach(r -> out.append("  ").append(pad(r[0], widths[0])).append("  ").append(pad(r[1], widths[1]))
                .append("  ").append(pad(r[2], widths[2])).append("  ").append(" ".repeat(widths[3] - r[3].length()))
                .append(r[3]).append('\n'));
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }

    private static String calls(long n) {
        return Counted.of(n, "call");
    }

    private static String tokenText(TokenUsage t) {
        String cache = t.cacheWrite5m() + t.cacheWrite1h() + t.cacheRead() == 0 ? ""
                : ", cache " + (t.cacheWrite5m() + t.cacheWrite1h()) + " written/" + t.cacheRead() + " read";
        return t.input() + " in/" + t.output() + " out" + cache;
    }
}
