package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Work stopped because a call's reservation would pass a limit. It stays until a person raises the limit or
 * approves extra spend for its scope. {@code limitName} is daily, per-run or per-task; the run and task are
 * those of the refused call.
 */
public record BudgetPause(String scope, String limitName, LocalDate day, Instant since, BigDecimal limitUsd,
                          BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal requestedUsd, String runId,
                          String taskId) {

    /** "the daily budget for 2025-01-09", "the per-run budget of run r1", for messages. */
    public String describeLimit() {
        return switch (limitName) {
            case "daily" -> "the daily budget for " + day;
            case "per-run" -> "the per-run budget of run " + runId;
            default -> "the per-task budget of task " + taskId + " (run " + runId + ")";
        };
    }

    /** The options that continue the work, as commands. */
    public String continueCommands() {
        return String.join("' or '", continueCommandList());
    }

    /** The commands that continue the work: raise the limit, or approve extra spend for its scope. */
    public java.util.List<String> continueCommandList() {
        String target = switch (limitName) {
            case "daily" -> "";
            case "per-run" -> " --run " + runId;
            default -> " --run " + runId + " --task " + taskId;
        };
        return java.util.List.of("kleiber budget raise --to USD" + target, "kleiber budget approve --extra USD" + target);
    }
}
