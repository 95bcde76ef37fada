package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.app.LedgerDocuments;
import dev.kleiber.ledger.BudgetPause;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.Usd;
import dev.kleiber.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Function;

/** {@code kleiber budget}: today's limit, spend, reservations and pauses; raise or approve to continue. */
@Command(name = "budget", mixinStandardHelpOptions = true,
        description = {"Show today's budget: limit, spent, reserved, remaining, and whether work is paused for it."},
        subcommands = {BudgetCommand.Raise.class, BudgetCommand.Approve.class})
final class BudgetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Option(names = "--store", paramLabel = "URL", description = "sqlite, sqlite:PATH or postgresql://user:pass@host:port/db.")
    String store;

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        withLedger(context, store, ledger -> {
            BudgetStatus status = ledger.status();
            spec.commandLine().getOut().print(json ? Json.write(toJson(status)) + "\n" : text(status));
            return null;
        });
    }

    static <T> T withLedger(CliContext context, String storeOption, Function<Ledger, T> work) {
        LedgerSettings settings = LedgerSettings.of(context, Optional.ofNullable(storeOption));
        try (Store opened = Store.open(settings.store(), context.clock())) {
            return work.apply(new Ledger(opened, settings.prices(), settings.models(), settings.limits(), context.clock()));
        }
    }

    static String text(BudgetStatus s) {
        StringBuilder out = new StringBuilder("Budget for " + s.day() + " (" + s.zone().getId() + ")\n");
        out.append("  limit      ").append(Usd.cents(s.limitUsd())).append('\n');
        out.append("  spent      ").append(Usd.fine(s.spentUsd())).append('\n');
        out.append("  reserved   ").append(Usd.fine(s.reservedUsd())).append('\n');
        out.append("  remaining  ").append(Usd.fine(s.remainingUsd())).append('\n');
        if (s.pauses().isEmpty()) {
            out.append("  state      open\n");
        }
        for (BudgetPause p : s.pauses()) {
            out.append("  state      PAUSED since ").append(p.since().truncatedTo(ChronoUnit.SECONDS)).append(": ")
                    .append(p.describeLimit()).append(" (").append(Usd.cents(p.limitUsd())).append(") would be passed by a call of ")
                    .append(Usd.fine(p.requestedUsd())).append(" for task ").append(p.taskId()).append('\n')
                    .append("             continue with '").append(p.continueCommands()).append("'\n");
        }
        if (!s.approvals().isEmpty()) {
            out.append("Approvals\n");
            s.approvals().forEach(a -> out.append("  ").append(a.at().truncatedTo(ChronoUnit.SECONDS)).append("  ")
                    .append(a.approvedBy()).append(a.kind().equals("raise") ? " raised " : " approved extra ")
                    .append(a.scope()).append(a.kind().equals("raise") ? " to " : " of ").append(Usd.cents(a.amountUsd()))
                    .append('\n'));
        }
        return out.toString();
    }

    static ObjectNode toJson(BudgetStatus s) {
        return LedgerDocuments.budget(s);
    }

    /** Options shared by raise and approve: which limit, and who decides. */
    abstract static class Decision implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--run", paramLabel = "ID", description = "The run's per-run limit instead of today's.")
        String run;

        @Option(names = "--task", paramLabel = "ID", description = "The task's per-task limit (with --run).")
        String task;

        @Option(names = "--by", paramLabel = "NAME", description = "Who decides (default: $USER, else $LOGNAME, else the OS account).")
        String by;

        @Option(names = "--store", paramLabel = "URL", description = "sqlite, sqlite:PATH or postgresql://user:pass@host:port/db.")
        String store;

        abstract BigDecimal apply(Ledger ledger, Ledger.Target target, String who);

        abstract String verb();

        @Override
        public void run() {
            CliContext context = CliContext.of(spec);
            String who = Decider.of(Optional.ofNullable(by), context).recorded();
            Ledger.Target target = new Ledger.Target(Optional.ofNullable(run), Optional.ofNullable(task));
            BigDecimal limit = withLedger(context, store, ledger -> apply(ledger, target, who));
            String which = task != null ? "per-task limit of " + run + "/" + task
                    : run != null ? "per-run limit of " + run : "today's limit";
            spec.commandLine().getOut().println(verb() + " by " + who + ": " + which + " is now " + Usd.cents(limit)
                    + "; paused work may continue.");
        }
    }

    @Command(name = "raise", mixinStandardHelpOptions = true,
            description = {"Raise a limit to an amount and let paused work continue; recorded with who and when."})
    static final class Raise extends Decision {
        @Option(names = "--to", paramLabel = "USD", required = true, description = "The new limit in US dollars.")
        String to;

        @Override
        BigDecimal apply(Ledger ledger, Ledger.Target target, String who) {
            return ledger.raise(target, Usd.parsePositive(to, "--to"), who);
        }

        @Override
        String verb() {
            return "Raised";
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approve extra spend on top of a limit and let paused work continue; recorded with who and when."})
    static final class Approve extends Decision {
        @Option(names = "--extra", paramLabel = "USD", required = true, description = "How much more may be spent.")
        String extra;

        @Override
        BigDecimal apply(Ledger ledger, Ledger.Target target, String who) {
            return ledger.approveExtra(target, Usd.parsePositive(extra, "--extra"), who);
        }

        @Override
        String verb() {
            return "Approved";
        }
    }
}
