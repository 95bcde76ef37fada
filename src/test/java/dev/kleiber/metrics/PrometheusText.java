package dev.kleiber.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every line must be a HELP, a TYPE or a sample with
 * a valid name, labels and value, or it throws; {@link #promtool} runs the real checker when it is installed.
 */
record PrometheusText(List<Sample> samples, Map<String, String> types) {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                if (!NAME.matcher(parts[0]).matches() || parts.length < 2) {
                    throw new IllegalArgumentException("line " + n + ": bad " + line.substring(2, 6) + ": " + line);
                }
                if (line.startsWith("# TYPE ")) {
                    if (!parts[1].matches("counter|gauge|histogram|summary|untyped")) {
                        throw new IllegalArgumentException("line " + n + ": unknown type: " + line);
                    }
                    types.put(parts[0], parts[1]);
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + n + ": not a sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                Matcher l = LABEL.matcher(m.group(3));
                int at = 0;
                while (l.find() && l.start() == at) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                    at = l.end();
                }
                if (at != m.group(3).length()) {
                    throw new IllegalArgumentException("line " + n + ": bad labels: " + line);
                }
            }
            samples.add(new Sample(m.group(1), labels, value(m.group(4), n)));
        }
        return new PrometheusText(samples, types);
    }

    private static double value(String text, int line) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + line + ": bad value " + text);
                }
            }
        };
    }

    /** The sum of {@code name}'s samples whose labels include {@code match}. */
    double sum(String name, Map<String, String> match) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    double sum(String name) {
        return sum(name, Map.of());
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** {@code promtool check metrics}'s complaints about {@code text}, or empty when promtool is not installed. */
    static Optional<String> promtool(String text) throws IOException, InterruptedException {
        Optional<String> tool = Tools.which("promtool");
        if (tool.isEmpty()) {
            return Optional.empty();
        }
        Process p = new ProcessBuilder(tool.get(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("promtool check metrics did not finish");
        }
        return Optional.of(p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + output);
    }
}
