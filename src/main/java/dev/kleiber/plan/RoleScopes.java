package dev.kleiber.plan;

import dev.kleiber.agent.Glob;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The roles a plan may name and, for those whose write globs are known, where each may write: a task whose
 * {@code files:} its agent may not write would be refused at run time, so a plan is refused first.
 */
public record RoleScopes(Set<String> roles, Map<String, List<Glob>> write) {
    public RoleScopes {
        roles = Set.copyOf(roles);
        Map<String, List<Glob>> copy = new LinkedHashMap<>();
        write.forEach((role, globs) -> copy.put(role, List.copyOf(globs)));
        write = java.util.Collections.unmodifiableMap(copy);
    }

    /** Roles whose write globs are unknown: their tasks' files are not checked. */
    public static RoleScopes unchecked(Set<String> roles) {
        return new RoleScopes(roles, Map.of());
    }

    /**
     * Why {@code role} may not write {@code file} (a path, or a folder ending in {@code /}), naming the glob that
     * would allow it; empty when it may, or when the role's globs are unknown.
     */
    Optional<String> refusal(String role, String file) {
        List<Glob> globs = write.get(role);
        if (globs == null) {
            return Optional.empty();
        }
        // A folder stands for what will be written inside it; a wildcard for any name.
        String probe = (file.endsWith("/") ? file + "new-file" : file).replace("**", "x").replace('*', 'x').replace('?', 'x');
        if (globs.stream().anyMatch(g -> g.matches(probe))) {
            return Optional.empty();
        }
        String folder = file.endsWith("/") ? file.substring(0, file.length() - 1)
                : file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
        String needed = folder.isEmpty() ? file : folder + "/**";
        String allowed = globs.isEmpty() ? "nothing" : String.join(", ", globs.stream().map(Glob::text).toList());
        return Optional.of("file '" + file + "' is outside what " + role + " may write (" + allowed + "): give the "
                + "task to a role that may write it, or add '" + needed + "' to layout.write." + role
                + " in .kleiber/kleiber.yaml");
    }
}
