package dev.kleiber.llm.fake;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request the fake Messages API received, as it came over the wire.
 *
 * @param headers header names in lower case
 * @param json    the body parsed as JSON, or a missing node when it was not JSON
 */
public record RecordedRequest(int sequence, String method, String path, Map<String, List<String>> headers, String body,
                              JsonNode json) {

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT))).flatMap(v -> v.stream().findFirst());
    }

    /** The API key the request carried: {@code x-api-key}, or the token of {@code Authorization: Bearer}. */
    public Optional<String> credential() {
        return header("x-api-key").or(() -> header("authorization")
                .filter(v -> v.startsWith("Bearer "))
                .map(v -> v.substring("Bearer ".length())));
    }

    public boolean streaming() {
        return json.path("stream").asBoolean(false);
    }

    /** The text of the last user message's blocks, for responders that react to what they were told. */
    public String lastUserText() {
        JsonNode messages = json.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        JsonNode content = last.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(block -> text.append(block.path("text").asText(block.path("content").asText(""))));
        return text.toString();
    }
}
