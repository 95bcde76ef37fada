package dev.kleiber.metrics;

import dev.kleiber.conductor.RunEvent;
import dev.kleiber.conductor.RunEventText;
import dev.kleiber.conductor.RunListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs every {@link RunEvent} to the logger {@value #LOGGER} with the keys {@code run}, {@code task}, {@code agent}
 * and {@code event} (the event's kind) and the sentence a person reads for it; with {@code logging.format: json}
 * each is one JSON line ({@link JsonLogEncoder}). The secrets given (the API key) are cut out of every message.
 */
public final class EventLog implements RunListener {
    public static final String LOGGER = "kleiber.events";
    private static final int MAX_TRACKED = 10_000;

    private final Logger log = LoggerFactory.getLogger(LOGGER);
    private final List<String> secrets;
    private final Map<String, String> agents = new ConcurrentHashMap<>();

    /** @param secrets values never to log (blank or short ones are ignored: they would cut ordinary words) */
    public EventLog(List<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s.strip().length() >= 8).toList();
    }

    @Override
    public void on(RunEvent event) {
        String key = event.runId() + "\u0000" + event.taskId();
        switch (event) {
            case RunEvent.TaskPlanned p -> remember(key, p.agent());
            case RunEvent.TaskStarted s -> remember(key, s.agent());
            default -> {
            }
        }
        String kind = event.getClass().getSimpleName();
        String message = RunEventText.of(event).orElse(kind);
        log.atLevel(level(event))
                .addKeyValue("run", event.runId())
                .addKeyValue("task", event.taskId())
                .addKeyValue("agent", agents.getOrDefault(key, ""))
                .addKeyValue("event", kind)
                .log(withoutSecrets(message));
    }

    private static Level level(RunEvent event) {
        return switch (event) {
            case RunEvent.TaskFailed f -> Level.ERROR;
            case RunEvent.WorkerStopped w -> Level.ERROR;
            case RunEvent.EnvironmentFailed f -> Level.WARN;
            case RunEvent.BudgetPaused p -> Level.WARN;
            case RunEvent.MainUncheckable m -> Level.WARN;
            case RunEvent.MainValidated m when !m.passed() -> Level.WARN;
            case RunEvent.HousekeepingFailed h -> Level.WARN;
            case RunEvent.AnswerFailed a -> Level.WARN;
            case RunEvent.LeaseLost l -> Level.WARN;
            case RunEvent.NoLiveWorker n -> Level.WARN;
            default -> Level.INFO;
        };
    }

    private void remember(String key, String agent) {
        if (agents.containsKey(key) || agents.size() < MAX_TRACKED) {
            agents.put(key, agent);
        }
    }

    private String withoutSecrets(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "[redacted]");
        }
        return out;
    }
}
