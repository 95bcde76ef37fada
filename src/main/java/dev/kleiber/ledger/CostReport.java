package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Spend of a day and/or a run, by model, agent and task, and what the same tokens would have cost all on the
 * Opus tier's model.
 */
public record CostReport(Optional<LocalDate> day, Optional<String> runId, BigDecimal totalUsd, long calls,
                         List<Line> byModel, List<Line> byAgent, List<TaskLine> byTask, String opusModel,
                         BigDecimal allOpusUsd) {

    /** Calls, tokens and cost of one model or one agent. */
    public record Line(String name, long calls, TokenUsage tokens, BigDecimal costUsd) {
    }

    /** Calls, tokens and cost of one task of one run. */
    public record TaskLine(String runId, String taskId, String agent, long calls, TokenUsage tokens, BigDecimal costUsd) {
    }

    public CostReport {
        byModel = List.copyOf(byModel);
        byAgent = List.copyOf(byAgent);
        byTask = List.copyOf(byTask);
    }
}
