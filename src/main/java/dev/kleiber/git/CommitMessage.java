package dev.kleiber.git;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A commit message with git trailers ({@code Kleiber-Task: feat-001}) in the last paragraph, where
 * {@code git interpret-trailers} and {@code git log --format=%(trailers)} find them.
 */
public record CommitMessage(String subject, String body, Map<String, String> trailers) {
    private static final Pattern TRAILER = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]*): (.+)");

    public CommitMessage {
        subject = subject.strip().replaceAll("\\s*\\R\\s*", " ");
        body = body.strip();
        trailers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trailers));
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("a commit needs a subject");
        }
        for (var trailer : trailers.entrySet()) {
            if (!TRAILER.matcher(trailer.getKey() + ": " + trailer.getValue()).matches()
                    || trailer.getValue().contains("\n")) {
                throw new IllegalArgumentException("not a valid trailer: " + trailer.getKey());
            }
        }
    }

    public static CommitMessage of(String subject, Map<String, String> trailers) {
        return new CommitMessage(subject, "", trailers);
    }

    public String text() {
        StringBuilder text = new StringBuilder(subject).append("\n");
        if (!body.isEmpty()) {
            text.append("\n").append(body).append("\n");
        }
        if (!trailers.isEmpty()) {
            text.append("\n");
            trailers.forEach((key, value) -> text.append(key).append(": ").append(value).append("\n"));
        }
        return text.toString();
    }

    /** The trailers of a full commit message: the key-value lines of its last paragraph. */
    public static Map<String, String> trailersOf(String message) {
        String[] paragraphs = message.strip().split("\\R\\s*\\R");
        Map<String, String> trailers = new LinkedHashMap<>();
        if (paragraphs.length < 2) {
            return trailers;
        }
        for (String line : paragraphs[paragraphs.length - 1].split("\\R")) {
            Matcher m = TRAILER.matcher(line.strip());
            if (!m.matches()) {
                return new LinkedHashMap<>();
            }
            trailers.put(m.group(1), m.group(2).strip());
        }
        return trailers;
    }
}
