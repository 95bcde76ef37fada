package dev.kleiber.scribe;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** One orchestration session for PROGRESS.md: what merged, what waits and for whom, and what it cost. */
public record SessionSummary(String runId, String request, OffsetDateTime endedAt, List<String> merged,
                             List<String> awaitingReview, List<String> blocked, List<String> failed,
                             BigDecimal costUsd) {
    public SessionSummary {
        merged = List.copyOf(merged);
        awaitingReview = List.copyOf(awaitingReview);
        blocked = List.copyOf(blocked);
        failed = List.copyOf(failed);
    }
}
