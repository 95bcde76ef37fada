package dev.kleiber.ledger;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrchestrationLogTest {
    @TempDir
    Path dir;

    static OrchestrationLog.Row row(String task, Tier tier, Optional<Tier> from, long in, long out, String cost) {
        return new OrchestrationLog.Row(Instant.parse("2025-01-09T14:30:00.123Z"), "engineer-backend", task, tier, from,
                in, out, new BigDecimal(cost));
    }

    @Test
    void rowsAndSummariesFollowTheBlueprintAndNeverRewriteTheFile() throws Exception {
        Path file = dir.resolve("orchestration_log.md");
        Files.writeString(file, "# Log\n\nKept by hand.");
        OrchestrationLog log = new OrchestrationLog(file);

        log.appendSessions(List.of(row("feat-001", Tier.SONNET, Optional.empty(), 15000, 8000, "0.165")));
        log.appendSessions(List.of(row("feat-002", Tier.OPUS, Optional.of(Tier.SONNET), 1000, 200, "0.03")));
        log.appendSummary(new DailySummary(LocalDate.parse("2025-01-09"), 12, Map.of(
                Tier.OPUS, new DailySummary.TierUsage(2, new BigDecimal("4.5")),
                Tier.SONNET, new DailySummary.TierUsage(8, new BigDecimal("2.4")),
                Tier.HAIKU, new DailySummary.TierUsage(2, new BigDecimal("0.15"))), new BigDecimal("7.05")));
        log.appendSessions(List.of(row("feat|3", Tier.HAIKU, Optional.empty(), 10, 1, "0.00001")));

        assertThat(Files.readString(file)).isEqualTo("""
                # Log

                Kept by hand.

                | Timestamp | Agent | Task | Model | Input Tokens | Output Tokens | Cost |
                |-----------|-------|------|-------|--------------|---------------|------|
                | 2025-01-09T14:30:00Z | engineer-backend | feat-001 | sonnet | 15000 | 8000 | $0.165 |
                | 2025-01-09T14:30:00Z | engineer-backend | feat-002 | opus (escalated from sonnet) | 1000 | 200 | $0.03 |

                ## Daily Summary: 2025-01-09
                - Total tasks: 12
                - Opus usage: 2 tasks, $4.50
                - Sonnet usage: 8 tasks, $2.40
                - Haiku usage: 2 tasks, $0.15
                - **Total: $7.05**

                | Timestamp | Agent | Task | Model | Input Tokens | Output Tokens | Cost |
                |-----------|-------|------|-------|--------------|---------------|------|
                | 2025-01-09T14:30:00Z | engineer-backend | feat\\|3 | haiku | 10 | 1 | $0.00 |
                """);
    }

    @Test
    void aSessionACrashLeftUnloggedIsAppendedOnceAndALoggedOneNever() throws Exception {
        Path file = dir.resolve("orchestration_log.md");
        OrchestrationLog log = new OrchestrationLog(file);
        OrchestrationLog.Row logged = row("feat-001", Tier.SONNET, Optional.empty(), 15000, 8000, "0.165");
        OrchestrationLog.Row cutOff = row("feat-002", Tier.SONNET, Optional.empty(), 3000, 300, "0.0135");
        log.appendSessions(List.of(logged));

        log.appendMissingSessions(List.of(logged, cutOff));
        log.appendMissingSessions(List.of(logged, cutOff));

        assertThat(Files.readString(file)).isEqualTo(OrchestrationLog.HEADER
                + "| 2025-01-09T14:30:00Z | engineer-backend | feat-001 | sonnet | 15000 | 8000 | $0.165 |\n"
                + "| 2025-01-09T14:30:00Z | engineer-backend | feat-002 | sonnet | 3000 | 300 | $0.0135 |\n");
    }

    @Test
    void aNewFileStartsWithTheTableHeader() throws Exception {
        Path file = dir.resolve("sub/orchestration_log.md");
        new OrchestrationLog(file).appendSessions(List.of(row("t", Tier.SONNET, Optional.of(Tier.SONNET), 1, 1, "1.2")));
        assertThat(Files.readString(file)).isEqualTo(OrchestrationLog.HEADER
                + "| 2025-01-09T14:30:00Z | engineer-backend | t | sonnet | 1 | 1 | $1.20 |\n");
    }

    @Test
    void aLogThatIsASymbolicLinkIsRefusedNotAppendedTo() throws Exception {
        Path target = Files.writeString(dir.resolve("bashrc"), "alias ls='ls -F'\n");
        Path file = Files.createSymbolicLink(dir.resolve("orchestration_log.md"), target);

        assertThatThrownBy(() -> new OrchestrationLog(file).appendSessions(List.of(row("t1", Tier.SONNET, Optional.empty(),
                10, 5, "0.01")))).isInstanceOf(KleiberException.class).hasMessageContaining("cannot append");

        assertThat(Files.readString(target)).isEqualTo("alias ls='ls -F'\n");
    }
}
