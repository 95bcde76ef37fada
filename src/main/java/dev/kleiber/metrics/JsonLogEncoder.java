package dev.kleiber.metrics;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.event.KeyValuePair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Logback's events as JSON Lines: {@code {"at","level","logger","run","task","agent","event","message"}} plus any
 * other key-value pair the caller added, and the error's type and message (never its stack, which may quote
 * anything). Anything shaped like an Anthropic API key is replaced by {@code [redacted]} wherever it appears.
 */
final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final Pattern API_KEY = Pattern.compile("sk-ant-[A-Za-z0-9_\\-]+");
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("at", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    json.writeStringField(redacted(pair.key), redacted(String.valueOf(pair.value)));
                }
            }
            json.writeStringField("message", redacted(event.getFormattedMessage()));
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                json.writeStringField("error", redacted(error.getClassName() + ": " + error.getMessage()));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    static String redacted(String text) {
        return API_KEY.matcher(text).replaceAll("[redacted]");
    }
}
