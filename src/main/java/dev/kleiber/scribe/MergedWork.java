package dev.kleiber.scribe;

import java.time.OffsetDateTime;
import java.util.List;

/** What the scribe records of one merged task, taken from its done file and the merge. */
public record MergedWork(String taskId, String title, String agent, String model, String summary,
                         List<String> decisions, OffsetDateTime mergedAt) {
    public MergedWork {
        decisions = List.copyOf(decisions);
    }
}
