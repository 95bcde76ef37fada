package dev.kleiber.claudecode;

import dev.kleiber.agent.AgentSession;
import dev.kleiber.agent.SessionOutcome;
import dev.kleiber.protocol.BlockType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the end of a Claude Code session, as its {@code stream-json} output and the metering proxy saw it, maps onto
 * Kleiber's sealed outcomes: every result subtype the CLI ends with, the {@code is_error} trap inside a
 * {@code success}, the blocked line, and the proxy's refusals first. (ClaudeCodeCliTest drives the real CLI into the
 * turn limit, a budget refusal and an API error; {@code error_max_budget_usd} needs {@code --max-budget-usd}, which
 * Kleiber never passes, so it is only met here.)
 */
class ClaudeCodeOutcomeTest {
    @TempDir
    Path session;

    private static ClaudeCodeEngine.StreamResult ended(String... lines) {
        ClaudeCodeEngine.StreamResult.Builder builder = new ClaudeCodeEngine.StreamResult.Builder();
        for (String line : lines) {
            builder.take(line, AgentSession.Listener.NONE);
        }
        return builder.build(0);
    }

    private static String result(String subtype, boolean isError, String text) {
        return "{\"type\":\"result\",\"subtype\":\"" + subtype + "\",\"is_error\":" + isError + ",\"num_turns\":4,"
                + "\"total_cost_usd\":0.0123" + (text == null ? "" : ",\"result\":\"" + text + "\"") + "}";
    }

    private SessionOutcome outcome(ClaudeCodeEngine.StreamResult result, ProxyRefusal... refusals) {
        return ClaudeCodeEngine.outcome(result, List.of(refusals), session);
    }

    @Test
    void aSuccessIsCompletedWithItsSummaryAndTheFirstTextIsTheApproach() {
        ClaudeCodeEngine.StreamResult result = ended("not json: the CLI's own noise",
                "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"I will add kyc.js.\"}]}}",
                result("success", false, "Added kycStatus."));

        assertThat(outcome(result)).isEqualTo(new SessionOutcome.Completed("Added kycStatus.", List.of()));
        assertThat(result.approach()).contains("I will add kyc.js.");
        assertThat(result.turns()).isEqualTo(4);
        assertThat(result.totalCostUsd()).hasValueSatisfying(cost -> assertThat(cost).isEqualByComparingTo("0.0123"));
    }

    @Test
    void everyErrorEndIsAFailedAttemptOfTheRightKind() {
        assertThat(outcome(ended(result("error_max_turns", true, null)))).isInstanceOfSatisfying(SessionOutcome.Failed.class,
                f -> {
                    assertThat(f.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
                    assertThat(f.reason()).contains("turn limit (4 turns)");
                });
        assertThat(outcome(ended(result("error_max_budget_usd", true, null))))
                .isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> assertThat(f.cause())
                        .isInstanceOf(SessionOutcome.BudgetStop.class));
        // the known trap: an API error reported as a success that is an error
        assertThat(outcome(ended(result("success", true, "API Error: 400 messages: text content blocks must be non-empty"))))
                .isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> {
                    assertThat(f.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
                    assertThat(f.reason()).startsWith("Claude Code ended on an API error: API Error: 400");
                });
        assertThat(outcome(ended(result("error_during_execution", true, null))))
                .isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> {
                    assertThat(f.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
                    assertThat(f.reason()).contains("'error_during_execution'");
                });
    }

    @Test
    void noResultIsAnEnvironmentFaultThatQuotesStderr() throws IOException {
        Files.writeString(session.resolve("stderr.txt"), "claude: cannot find module\n");

        assertThat(outcome(ended())).isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> {
            assertThat(f.cause()).isInstanceOf(SessionOutcome.EnvironmentFault.class);
            assertThat(f.reason()).contains("without a result").contains("claude: cannot find module");
        });
    }

    @Test
    void aFinalBlockedLineBlocksTheTask() {
        assertThat(outcome(ended(result("success", false, "Read the payment code.\\nKLEIBER-BLOCKED: which provider?"))))
                .isEqualTo(new SessionOutcome.Blocked(BlockType.TECHNICAL, "which provider?",
                        List.of("Read the payment code."), "which provider?"));
    }

    @Test
    void whatTheProxyRefusedDecidesOverWhatTheCliSays() {
        ClaudeCodeEngine.StreamResult success = ended(result("success", true, "API Error: 400 Kleiber: budget"));

        assertThat(outcome(success, new ProxyRefusal.Budget("daily limit $5.00 reached")))
                .isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> assertThat(f.cause())
                        .isInstanceOf(SessionOutcome.BudgetStop.class));
        assertThat(outcome(success, new ProxyRefusal.Unpriced("no price for claude-x")))
                .isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> assertThat(f.cause())
                        .isInstanceOf(SessionOutcome.EnvironmentFault.class));
        assertThat(outcome(success, new ProxyRefusal.Model("claude-opus-4-1", "claude-haiku-4-5")))
                .isInstanceOfSatisfying(SessionOutcome.Failed.class, f -> {
                    assertThat(f.cause()).isInstanceOf(SessionOutcome.AgentFault.class);
                    assertThat(f.reason()).contains("routed this task to claude-haiku-4-5");
                });
    }
}
