package dev.kleiber.protocol;

import java.util.List;
import java.util.Objects;

/** The outcome of reading a protocol file: the document, or every problem found in it. */
public sealed interface ParseResult {

    /** The file is valid. */
    record Parsed(ProtocolDocument document) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(document, "document");
        }
    }

    /** The file is invalid; {@code problems} is never empty and is ordered by line. */
    record Rejected(List<Problem> problems) implements ParseResult {
        public Rejected {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("a rejected file has at least one problem");
            }
        }
    }

    static Rejected rejected(int line, String message) {
        return new Rejected(List.of(new Problem(line, message)));
    }
}
