package dev.kleiber.llm;

import java.util.Arrays;

/** Why the model stopped answering. */
public enum StopReason {
    END_TURN("end_turn"),
    TOOL_USE("tool_use"),
    MAX_TOKENS("max_tokens"),
    STOP_SEQUENCE("stop_sequence"),
    PAUSE_TURN("pause_turn"),
    REFUSAL("refusal"),
    MODEL_CONTEXT_WINDOW_EXCEEDED("model_context_window_exceeded"),
    /** A reason this version of Kleiber does not know; the answer is still whole. */
    OTHER("other");

    private final String wire;

    StopReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static StopReason fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wire.equals(value)).findFirst().orElse(OTHER);
    }
}
