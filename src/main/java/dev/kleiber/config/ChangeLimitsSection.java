package dev.kleiber.config;

import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code limits:} key of kleiber.yaml, how large one task's commit may be:
 * <pre>
 * limits:
 *   commit_files: 500      # files changed in one task's commit (1..100000)
 *   commit_bytes: 20MiB    # bytes those files hold (1KiB..10GiB)
 * </pre>
 * Every error names the line and what was expected.
 */
final class ChangeLimitsSection {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(k|m|g)?(?:i?b)?");
    private static final long MAX_BYTES = 10L * 1024 * 1024 * 1024;

    private ChangeLimitsSection() {
    }

    static ChangeLimits parse(Mapping root) {
        return root.mapping("limits").map(ChangeLimitsSection::limits).orElse(ChangeLimits.DEFAULT);
    }

    private static ChangeLimits limits(Mapping limits) {
        limits.allowOnly(Set.of("commit_files", "commit_bytes"));
        int files = ChangeLimits.DEFAULT.commitFiles();
        if (limits.get("commit_files").isPresent()) {
            YamlNode node = limits.require("commit_files");
            long n = node.asInteger("limits.commit_files");
            if (n < 1 || n > 100_000) {
                throw node.error("'limits.commit_files' must be between 1 and 100000; found " + n);
            }
            files = (int) n;
        }
        long bytes = ChangeLimits.DEFAULT.commitBytes();
        if (limits.get("commit_bytes").isPresent()) {
            YamlNode node = limits.require("commit_bytes");
            String text = node.asText("limits.commit_bytes").strip();
            Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
            bytes = -1;
            if (m.matches()) {
                long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
                    case "k" -> 1024L;
                    case "m" -> 1024L * 1024;
                    default -> 1024L * 1024 * 1024;
                };
                long amount = Long.parseLong(m.group(1));
                bytes = amount > MAX_BYTES / unit ? Long.MAX_VALUE : amount * unit;
            }
            if (bytes < 1024 || bytes > MAX_BYTES) {
                throw node.error("'limits.commit_bytes' must be a size between 1KiB and 10GiB, such as 20MiB; found '"
                        + text + "'");
            }
        }
        return new ChangeLimits(files, bytes);
    }
}
