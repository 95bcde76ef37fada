package dev.kleiber.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.CostReport;
import dev.kleiber.ledger.DaySpend;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.TokenUsage;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** The ledger's JSON documents, as {@code kleiber cost --json}, {@code kleiber budget --json} and the API give them. */
public final class LedgerDocuments {
    private LedgerDocuments() {
    }

    /** The cost document of one report, without {@code byDay}. */
    static ObjectNode cost(CostReport report) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (report.day().isPresent()) {
            root.put("day", report.day().get().toString());
        } else {
            root.putNull("day");
        }
        root.put("totalUsd", report.totalUsd());
        root.put("calls", report.calls());
        ArrayNode byModel = root.putArray("byModel");
        report.byModel().forEach(line -> line(byModel.addObject().put("model", line.name()), line));
        ArrayNode byAgent = root.putArray("byAgent");
        report.byAgent().forEach(line -> line(byAgent.addObject().put("agent", line.name()), line));
        ArrayNode byTask = root.putArray("byTask");
        report.byTask().forEach(t -> {
            ObjectNode node = byTask.addObject().put("run", t.runId()).put("task", t.taskId()).put("agent", t.agent())
                    .put("calls", t.calls());
            tokens(node, t.tokens());
            node.put("costUsd", t.costUsd());
        });
        root.put("allOpusUsd", report.allOpusUsd());
        return root;
    }

    /** How many days the API's cost document charts when it is about a day: that day and the 29 before it. */
    static final int DAYS_CHARTED = 30;

    /**
     * The {@code cost --json} and {@code GET /api/v1/cost} document: {@link #cost(CostReport)} of {@code day} and/or
     * {@code run} (today when neither is given), plus {@code byDay}: every day the run spent on, or the {@value #DAYS_CHARTED} days up to the day shown,
     * each with its all-Opus price.
     */
    public static ObjectNode cost(Ledger ledger, Optional<LocalDate> day, Optional<String> run) {
        Optional<LocalDate> shown = day.or(() -> run.isPresent() ? Optional.empty() : Optional.of(ledger.today()));
        ObjectNode root = cost(ledger.cost(shown, run));
        List<DaySpend> days = run.map(ledger::byDay)
                .orElseGet(() -> ledger.byDay(shown.orElseThrow().minusDays(DAYS_CHARTED - 1L), shown.orElseThrow()));
        ArrayNode byDay = root.putArray("byDay");
        days.forEach(d -> {
            ObjectNode node = byDay.addObject().put("day", d.day().toString()).put("calls", d.calls());
            tokens(node, d.tokens());
            node.put("costUsd", d.costUsd()).put("allOpusUsd", d.allOpusUsd());
        });
        return root;
    }

    private static void line(ObjectNode node, CostReport.Line line) {
        node.put("calls", line.calls());
        tokens(node, line.tokens());
        node.put("costUsd", line.costUsd());
    }

    static void tokens(ObjectNode node, TokenUsage t) {
        node.put("inputTokens", t.input()).put("outputTokens", t.output()).put("cacheWrite5mTokens", t.cacheWrite5m())
                .put("cacheWrite1hTokens", t.cacheWrite1h()).put("cacheReadTokens", t.cacheRead());
    }

    /** The {@code budget --json} document. */
    public static ObjectNode budget(BudgetStatus s) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("day", s.day().toString());
        root.put("timeZone", s.zone().getId());
        root.put("limitUsd", s.limitUsd());
        root.put("spentUsd", s.spentUsd());
        root.put("reservedUsd", s.reservedUsd());
        root.put("remainingUsd", s.remainingUsd());
        root.put("paused", s.paused());
        ArrayNode pauses = root.putArray("pauses");
        s.pauses().forEach(p -> pauses.addObject().put("limit", p.limitName()).put("scope", p.scope())
                .put("since", p.since().toString()).put("limitUsd", p.limitUsd()).put("spentUsd", p.spentUsd())
                .put("reservedUsd", p.reservedUsd()).put("requestedUsd", p.requestedUsd()).put("run", p.runId())
                .put("task", p.taskId()));
        ArrayNode approvals = root.putArray("approvals");
        s.approvals().forEach(a -> approvals.addObject().put("at", a.at().toString()).put("scope", a.scope())
                .put("kind", a.kind()).put("amountUsd", a.amountUsd()).put("by", a.approvedBy()));
        return root;
    }
}
