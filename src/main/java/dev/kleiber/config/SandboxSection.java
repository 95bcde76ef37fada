package dev.kleiber.config;

import dev.kleiber.config.KleiberConfig.Sandbox;
import dev.kleiber.config.SandboxPolicy.Limits;
import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code sandbox:} key of kleiber.yaml: either the mode alone ({@code sandbox: bwrap}, {@code sandbox: none}),
 * or a mapping with {@code mode}, {@code read} (folders commands may read) and {@code limits}:
 * <pre>
 * sandbox:
 *   mode: bwrap
 *   read: [~/.m2/repository, ~/.npm]
 *   limits: {processes: 256, memory: 2GiB, file_size: 1GiB, tmp_size: 512MiB, cpu_time: 10m}
 * </pre>
 * Every error names the line and what was expected.
 */
record SandboxSection(Sandbox mode, SandboxPolicy policy) {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(k|m|g|t)(?:i?b)?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h)");
    private static final long TIB = 1024 * Limits.GIB;

    static SandboxSection parse(YamlNode node) {
        if (!(node instanceof Mapping mapping)) {
            return new SandboxSection(mode(node, "sandbox"), SandboxPolicy.defaults());
        }
        mapping.allowOnly(Set.of("mode", "read", "limits"));
        Sandbox mode = mapping.get("mode").map(n -> mode(n, "sandbox.mode")).orElse(Sandbox.BWRAP);
        List<String> read = mapping.get("read").isEmpty() ? List.of()
                : mapping.list("read").stream().map(SandboxSection::readPath).toList();
        Limits limits = mapping.mapping("limits").map(SandboxSection::limits).orElse(Limits.defaults());
        return new SandboxSection(mode, new SandboxPolicy(read, limits));
    }

    private static Sandbox mode(YamlNode node, String what) {
        String text = node.asText(what).strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "bwrap" -> Sandbox.BWRAP;
            case "none" -> Sandbox.NONE;
            default -> throw node.error("'" + what + "' must be bwrap or none; found '" + text + "'");
        };
    }

    private static String readPath(YamlNode node) {
        String text = node.asText("sandbox.read").strip();
        boolean shaped = text.startsWith("/") || text.startsWith("~/");
        if (!shaped || text.replaceAll("[/~.]", "").isEmpty() || text.contains("/../") || text.endsWith("/..")) {
            throw node.error("'sandbox.read' items must be absolute folders or ~/folder (not /, ~ or a path with ..), "
                    + "such as ~/.m2/repository; found '" + text + "'");
        }
        return text;
    }

    private static Limits limits(Mapping limits) {
        limits.allowOnly(Set.of("processes", "memory", "file_size", "tmp_size", "cpu_time"));
        Limits result = Limits.defaults();
        if (limits.get("processes").isPresent()) {
            YamlNode node = limits.require("processes");
            long n = node.asInteger("sandbox.limits.processes");
            if (n < 8 || n > 65_536) {
                throw node.error("'sandbox.limits.processes' must be between 8 and 65536; found " + n);
            }
            result = result.withProcesses((int) n);
        }
        result = result.withMemoryBytes(size(limits, "memory", 64 * Limits.MIB, TIB, result.memoryBytes()));
        result = result.withFileSizeBytes(size(limits, "file_size", Limits.MIB, TIB, result.fileSizeBytes()));
        result = result.withTmpBytes(size(limits, "tmp_size", Limits.MIB, 64 * Limits.GIB, result.tmpBytes()));
        if (limits.get("cpu_time").isPresent()) {
            YamlNode node = limits.require("cpu_time");
            String text = node.asText("sandbox.limits.cpu_time").strip().toLowerCase(Locale.ROOT);
            Matcher m = DURATION.matcher(text);
            Duration cpu = m.matches() ? switch (m.group(2)) {
                case "h" -> Duration.ofHours(Long.parseLong(m.group(1)));
                case "m" -> Duration.ofMinutes(Long.parseLong(m.group(1)));
                default -> Duration.ofSeconds(Long.parseLong(m.group(1)));
            } : Duration.ZERO;
            if (cpu.toSeconds() < 1 || cpu.compareTo(Duration.ofHours(24)) > 0) {
                throw node.error("'sandbox.limits.cpu_time' must be a duration with a unit between 1s and 24h "
                        + "(90s, 10m, 1h); found '" + text + "'");
            }
            result = result.withCpuTime(cpu);
        }
        return result;
    }

    private static long size(Mapping limits, String key, long min, long max, long fallback) {
        if (limits.get(key).isEmpty()) {
            return fallback;
        }
        YamlNode node = limits.require(key);
        String text = node.asText("sandbox.limits." + key).strip();
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        long bytes = -1;
        if (m.matches()) {
            long unit = switch (m.group(2)) {
                case "k" -> 1024L;
                case "m" -> Limits.MIB;
                case "g" -> Limits.GIB;
                default -> TIB;
            };
            long amount = Long.parseLong(m.group(1));
            bytes = amount > max / unit ? Long.MAX_VALUE : amount * unit;
        }
        if (bytes < min || bytes > max) {
            throw node.error("'sandbox.limits." + key + "' must be a size with a unit between " + Limits.size(min)
                    + " and " + Limits.size(max) + " (512MiB, 2GiB); found '" + text + "'");
        }
        return bytes;
    }
}
