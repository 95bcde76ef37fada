package dev.kleiber.agent;

import java.util.Locale;
import java.util.Set;

/**
 * The part of a repository's git config a sandboxed command may read: what git needs to open the repository
 * ({@code core}'s format keys, every {@code extensions} key), nothing else — no remote URL (it may carry a token),
 * credential, http or url setting. Pure.
 */
final class GitConfigCopy {
    private static final Set<String> CORE_KEYS = Set.of("repositoryformatversion", "filemode", "bare",
            "logallrefupdates", "ignorecase", "precomposeunicode", "symlinks");

    private GitConfigCopy() {
    }

    static String withoutSecrets(String config) {
        StringBuilder kept = new StringBuilder();
        String section = "";
        for (String raw : config.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                // [core], [extensions]; a subsection ([remote "origin"]) is never kept
                section = end > 0 ? line.substring(1, end).strip().toLowerCase(Locale.ROOT) : "";
                if (section.equals("core") || section.equals("extensions")) {
                    kept.append('[').append(section).append("]\n");
                }
                continue;
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            boolean keep = switch (section) {
                case "core" -> CORE_KEYS.contains(key);
                case "extensions" -> !key.isEmpty() && !key.startsWith("#") && !key.startsWith(";");
                default -> false;
            };
            if (keep) {
                kept.append('\t').append(line).append('\n');
            }
        }
        return kept.toString();
    }
}
