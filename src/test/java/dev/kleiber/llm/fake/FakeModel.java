package dev.kleiber.llm.fake;

import java.time.Instant;

/** One model the fake's {@code GET /v1/models} lists. */
public record FakeModel(String id, String displayName, Instant createdAt) {
    public static FakeModel of(String id, String createdAt) {
        return new FakeModel(id, id, Instant.parse(createdAt + "T00:00:00Z"));
    }
}
