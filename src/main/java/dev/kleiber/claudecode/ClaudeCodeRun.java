package dev.kleiber.claudecode;

import dev.kleiber.ledger.CallContext;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * How one Claude Code session went, for the record: the calls the proxy metered (the ledger's figures), what it
 * refused, what the hook denied, and Claude Code's own {@code total_cost_usd}, kept beside the ledger's, never
 * billed.
 */
public record ClaudeCodeRun(CallContext context, String routedModel, List<MeteredCall> calls, List<ProxyRefusal> refusals,
                            List<String> denials, Optional<BigDecimal> reportedCostUsd, Optional<String> resultSubtype,
                            int turns) {
    public ClaudeCodeRun {
        calls = List.copyOf(calls);
        refusals = List.copyOf(refusals);
        denials = List.copyOf(denials);
    }
}
