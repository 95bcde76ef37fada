package dev.kleiber.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code requires:} key of kleiber.yaml: the capability tags a {@code kleiber worker} must offer ({@code --tags})
 * to claim a task of a run on many machines — by role (every task of it) and by task id. A task needs the union
 * of its role's tags and its own. {@code kleiber run} on one machine runs every task itself and ignores them.
 */
public record Requirements(Map<String, Set<String>> roles, Map<String, Set<String>> tasks) {
    public static final Requirements NONE = new Requirements(Map.of(), Map.of());
    /** What a capability tag is, here and in {@code kleiber worker --tags}. */
    public static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

    public Requirements {
        roles = copy(roles);
        tasks = copy(tasks);
    }

    /** The tags a worker needs to claim task {@code taskId} of role {@code role}; empty when any worker may. */
    public Set<String> of(String taskId, String role) {
        Set<String> tags = new TreeSet<>(roles.getOrDefault(role, Set.of()));
        tags.addAll(tasks.getOrDefault(taskId, Set.of()));
        return Set.copyOf(tags);
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> in) {
        Map<String, Set<String>> out = new TreeMap<>();
        in.forEach((key, tags) -> out.put(key, Set.copyOf(new TreeSet<>(tags))));
        return Map.copyOf(out);
    }
}
