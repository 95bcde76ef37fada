package dev.kleiber.agent;

import java.time.Duration;

/** Something that happened to one tool call, for the run's event record. Input summaries never hold file contents. */
public sealed interface ToolEvent {
    String tool();

    String inputSummary();

    /** The call was refused by policy: a path, a command pattern, a tool the role lacks, a missing sandbox. */
    record Refused(String tool, String reason, String inputSummary) implements ToolEvent {
    }

    /** The call was allowed and ran; {@code outcome} says what it did ("wrote 120 bytes", "exit 1"). */
    record Executed(String tool, String inputSummary, String outcome, Duration elapsed) implements ToolEvent {
    }

    /** The call was allowed but could not be carried out (bad input, a missing file, old_text not found). */
    record Failed(String tool, String inputSummary, String error) implements ToolEvent {
    }
}
