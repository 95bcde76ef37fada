package dev.kleiber.mcp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What a tool call comes to: an answer (text, and the JSON document when there is one), or a refusal. */
sealed interface ToolAnswer {
    /** A successful call: the text the CLI printed and, when it printed JSON, that document as a map. */
    record Answer(String text, Optional<Map<String, Object>> structured) implements ToolAnswer {
        public Answer {
            // JSON documents hold nulls ("commit": null), which Map.copyOf refuses
            structured = structured.map(m -> Collections.unmodifiableMap(new LinkedHashMap<>(m)));
        }
    }

    /** A failed or refused call, with the message a person would have seen on the command line. */
    record Refused(String message) implements ToolAnswer {
    }
}
