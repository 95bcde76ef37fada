package dev.kleiber.config;

/**
 * The {@code logging:} key of kleiber.yaml: {@code format: text} (the default: a run prints one line per event for
 * people) or {@code format: json} (as well, one JSON object per event on stderr, with run, task, agent and event,
 * for a log collector).
 */
public record LogSettings(Format format) {
    public static final LogSettings DEFAULT = new LogSettings(Format.TEXT);

    public enum Format { TEXT, JSON }
}
