package dev.kleiber.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** A request's JSON object, read with the limits and the errors the API promises. */
final class JsonBody {
    static final int MAX_BYTES = 1024 * 1024;

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Reads the body: 415 unless it is JSON, 413 over 1 MiB, 400 unless it is one JSON object of the fields allowed. */
    static JsonBody read(Context ctx, ObjectMapper mapper, Set<String> allowed) {
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new ApiProblem(415, "Unsupported media type", "send the body as application/json; found "
                    + (type.isEmpty() ? "no Content-Type" : "'" + type + "'"));
        }
        byte[] bytes = bytes(ctx);
        JsonNode parsed;
        try {
            parsed = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("the body is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw ApiProblem.badRequest("the body could not be read: " + e.getMessage());
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw ApiProblem.badRequest("the body must be a JSON object such as {\"" + allowed.iterator().next() + "\": ...}");
        }
        object.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw ApiProblem.badRequest("unknown field '" + name + "'; expected " + String.join(", ",
                        new java.util.TreeSet<>(allowed)));
            }
        });
        return new JsonBody(object);
    }

    private static byte[] bytes(Context ctx) {
        if (ctx.contentLength() > MAX_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw ApiProblem.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private static ApiProblem tooLarge() {
        return new ApiProblem(413, "Content too large", "a request body may be at most 1 MiB");
    }

    Optional<String> text(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiProblem.badRequest("'" + field + "' must be a string; found " + value.getNodeType().name()
                    .toLowerCase(Locale.ROOT));
        }
        return Optional.of(value.asText());
    }

    String requireText(String field) {
        return text(field).filter(t -> !t.isBlank())
                .orElseThrow(() -> ApiProblem.badRequest("'" + field + "' is required: a non-empty string"));
    }

    BigDecimal requireAmount(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw ApiProblem.badRequest("'" + field + "' is required: a positive number of US dollars, e.g. 80");
        }
        BigDecimal amount = value.decimalValue();
        if (amount.signum() <= 0 || amount.compareTo(new BigDecimal("1000000")) > 0) {
            throw ApiProblem.badRequest("'" + field + "' must be more than 0 and at most 1000000 US dollars; found " + amount);
        }
        return amount;
    }
}
