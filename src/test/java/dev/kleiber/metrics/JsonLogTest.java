package dev.kleiber.metrics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.conductor.RunEvent;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code logging.format: json}: one JSON object per line with run, task, agent and event; no API key, ever. */
class JsonLogTest {
    private static final String KEY = "sk-ant-api03-Zx9yQ2long-secret-value_AA";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        JsonLogs.toStderr();
    }

    @AfterEach
    void restore() throws Exception {
        System.setErr(originalErr);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void eachEventIsOneJsonLineWithRunTaskAgentAndEvent() throws Exception {
        EventLog log = new EventLog(List.of(KEY));
        log.on(new RunEvent.TaskPlanned("run-1", "refunds", "engineer-backend", Tier.OPUS, true, List.of("forced.payments"),
                Optional.empty()));
        log.on(new RunEvent.TaskStarted("run-1", "refunds", "engineer-backend", Tier.OPUS, 1));
        log.on(new RunEvent.TaskBlocked("run-1", "refunds", BlockType.UNCLEAR_REQUIREMENTS,
                "the key " + KEY + " is in the .env file", RunEvent.BlockedBy.AGENT));
        log.on(new RunEvent.TaskFailed("run-1", "refunds", "401 for key sk-ant-other-key-not-configured-1234"));
        log.on(new RunEvent.RunFinished("run-1", new dev.kleiber.conductor.RunOutcome("run-1", List.of(), List.of(),
                List.of("refunds"), List.of(), List.of(), java.util.Map.of(), Optional.empty())));

        String text = err.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(5).allSatisfy(line -> assertThat(line.fieldNames()).toIterable()
                .contains("at", "level", "logger", "run", "task", "agent", "event", "message"));
        assertThat(lines.get(2).path("event").asText()).isEqualTo("TaskBlocked");
        assertThat(lines.get(2).path("agent").asText()).isEqualTo("engineer-backend");
        assertThat(lines.get(2).path("task").asText()).isEqualTo("refunds");
        assertThat(lines.get(2).path("run").asText()).isEqualTo("run-1");
        assertThat(lines.get(2).path("message").asText()).contains("[redacted]");
        assertThat(lines.get(3).path("level").asText()).isEqualTo("ERROR");
        assertThat(lines.get(4).path("task").asText()).isEmpty();
        assertThat(text).doesNotContain(KEY).doesNotContain("sk-ant-other");
    }

    @Test
    void aLibraryWarningIsJsonTooAndItsErrorKeepsNoKey() throws Exception {
        LoggerFactory.getLogger("com.example.Http").warn("request to {} failed",
                "https://api.anthropic.com", new IllegalStateException("x-api-key " + KEY + " refused"));
        JsonNode line = JSON.readTree(err.toString(StandardCharsets.UTF_8).strip());
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("message").asText()).isEqualTo("request to https://api.anthropic.com failed");
        assertThat(line.path("error").asText()).startsWith("java.lang.IllegalStateException: x-api-key [redacted]");
        assertThat(line.toString()).doesNotContain(KEY);
    }
}
