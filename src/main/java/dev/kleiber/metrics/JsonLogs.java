package dev.kleiber.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Switches this process's log to JSON Lines on stderr ({@code logging.format: json}): the root logger's appenders
 * are replaced by one that writes {@link JsonLogEncoder}'s lines, and the run events' logger ({@link EventLog})
 * logs at INFO. stdout stays the command's own output.
 */
public final class JsonLogs {
    private JsonLogs() {
    }

    public static void toStderr() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding owns the log's format
        }
        JsonLogEncoder encoder = new JsonLogEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setName("JSON");
        appender.setContext(context);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        context.getLogger(EventLog.LOGGER).setLevel(Level.INFO);
    }
}
