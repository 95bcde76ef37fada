package dev.kleiber.config;

import dev.kleiber.routing.Roles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kleiber init} proposes for a repository from {@link RepositoryFacts}: the roles' write globs, the
 * validation commands, the lint roots and excludes and the main branch, rendered as kleiber.yaml lines, and a note
 * for the roles' prompts when the stack is not the blueprint's. Nothing is proposed where the blueprint's default
 * fits (a repository laid out as the blueprint says gets the blueprint's defaults).
 */
public record LayoutProposal(RepositoryFacts facts, Map<String, List<String>> write, List<String> lintComponents,
                             List<String> lintEndpoints, List<String> lintTests, List<String> lintExclude) {
    public LayoutProposal {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        write.forEach((role, globs) -> copy.put(role, List.copyOf(globs)));
        write = java.util.Collections.unmodifiableMap(copy);
        lintComponents = List.copyOf(lintComponents);
        lintEndpoints = List.copyOf(lintEndpoints);
        lintTests = List.copyOf(lintTests);
        lintExclude = List.copyOf(lintExclude);
    }

    public static LayoutProposal of(RepositoryFacts facts) {
        Map<String, List<String>> write = new LinkedHashMap<>();
        if (!facts.blueprintLayout()) {
            List<String> tests = facts.tests();
            Set<String> backend = new LinkedHashSet<>(facts.backend());
            if (!backend.isEmpty()) {
                backend.addAll(facts.database());
                backend.addAll(tests.stream().filter(t -> !isFrontendTest(t, facts)).toList());
                write.put(Roles.ENGINEER_BACKEND, withoutNested(backend));
            }
            Set<String> frontend = new LinkedHashSet<>(facts.frontend());
            if (!frontend.isEmpty()) {
                frontend.addAll(tests.stream().filter(t -> isFrontendTest(t, facts) || backend.isEmpty()).toList());
                write.put(Roles.ENGINEER_FRONTEND, withoutNested(frontend));
            }
        }
        List<String> components = facts.components().stream()
                .filter(c -> !covered(c, dev.kleiber.validate.LintSettings.DEFAULT_COMPONENTS)).toList();
        List<String> endpoints = facts.routes().stream()
                .filter(r -> !covered(r, dev.kleiber.validate.LintSettings.DEFAULT_ENDPOINTS)).toList();
        List<String> integration = facts.routes().isEmpty() ? List.of() : facts.tests().stream()
                .filter(t -> !isFrontendTest(t, facts)).toList();
        List<String> tests = integration.equals(dev.kleiber.validate.LintSettings.DEFAULT_INTEGRATION_TESTS)
                ? List.of() : integration;
        return new LayoutProposal(facts, write, components, endpoints, tests, facts.generated());
    }

    /** The folders (globs ending in /**) without those inside another of them, in the given order. */
    static List<String> withoutNested(java.util.Collection<String> folders) {
        List<String> kept = new ArrayList<>();
        for (String folder : new LinkedHashSet<>(folders)) {
            String base = folder.endsWith("/**") ? folder.substring(0, folder.length() - 2) : folder;
            boolean inside = folders.stream().anyMatch(other -> !other.equals(folder) && other.endsWith("/**")
                    && base.startsWith(other.substring(0, other.length() - 2)));
            if (!inside) {
                kept.add(folder);
            }
        }
        return List.copyOf(kept);
    }

    /** A front end's tests; an API's e2e tests call its endpoints over HTTP, so they are integration tests. */
    private static boolean isFrontendTest(String folder, RepositoryFacts facts) {
        return folder.contains("e2e") && !facts.frontend().isEmpty() || folder.contains("frontend")
                || facts.frontend().stream().anyMatch(f -> folder.startsWith(f.substring(0, f.length() - 2) + "/"));
    }

    private static boolean covered(String folder, List<String> defaults) {
        return defaults.stream().anyMatch(d -> dev.kleiber.agent.Glob.path(d).matches(folder.replace("/**", "/x")));
    }

    /** The validation commands as kleiber.yaml's flow list, or {@code []}. */
    public String commandsYaml() {
        List<String> items = new ArrayList<>();
        facts.commands().forEach((name, run) -> items.add("{name: " + name + ", run: " + quote(run) + ", timeout: 600}"));
        return "[" + String.join(", ", items) + "]";
    }

    /** The {@code layout:} and {@code lint:} sections, empty when everything the blueprint assumes holds. */
    public String sectionsYaml() {
        StringBuilder yaml = new StringBuilder();
        boolean main = !facts.mainBranch().equals(LayoutSettings.DEFAULT_MAIN_BRANCH);
        if (main || !write.isEmpty()) {
            yaml.append("layout:\n");
            if (main) {
                yaml.append("  main_branch: ").append(quote(facts.mainBranch())).append('\n');
            }
            if (!write.isEmpty()) {
                yaml.append("  write:                   # each role's write globs (replace the write: of its file)\n");
                write.forEach((role, globs) -> yaml.append("    ").append(role).append(": ").append(list(globs)).append('\n'));
            }
        }
        StringBuilder lint = new StringBuilder();
        if (!lintComponents.isEmpty()) {
            lint.append("  components: ").append(list(union(dev.kleiber.validate.LintSettings.DEFAULT_COMPONENTS,
                    lintComponents))).append('\n');
        }
        if (!lintEndpoints.isEmpty()) {
            lint.append("  endpoints: ").append(list(lintEndpoints)).append('\n');
        }
        if (!lintTests.isEmpty()) {
            lint.append("  integration_tests: ").append(list(lintTests)).append('\n');
        }
        if (!lintExclude.isEmpty()) {
            lint.append("  exclude: ").append(list(lintExclude)).append("   # generated code; the defaults stay too\n");
        }
        if (!facts.storybook() && !facts.blueprintLayout() && !facts.components().isEmpty()) {
            lint.append("  rules: {gate-story: off}   # no Storybook in this repository: components have no stories to need\n");
        }
        if (!lint.isEmpty()) {
            yaml.append("lint:\n").append(lint);
        }
        return yaml.toString();
    }

    /** A short account of what was found, one line each, for init to print. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add("main branch     " + facts.mainBranch());
        lines.add("stack           " + facts.stack().label() + " (" + facts.packageManager()
                + facts.monorepoTool().map(t -> " + " + t).orElse("") + ")");
        if (!facts.workspaces().isEmpty()) {
            lines.add("workspaces      " + String.join(" ", facts.workspaces()));
        }
        lines.add("front end       " + text(facts.frontend()));
        lines.add("back end        " + text(facts.backend()));
        lines.add("database        " + text(facts.database()) + facts.migrationTool().map(t -> " (" + t + ")").orElse(""));
        lines.add("tests           " + text(facts.tests()));
        lines.add("express routes  " + text(facts.routes()));
        lines.add("generated       " + text(facts.generated()));
        lines.add("commands        " + (facts.commands().isEmpty() ? "none found"
                : String.join(", ", facts.commands().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList())));
        return lines;
    }

    /** The write globs for {@code role}'s file: the proposal's, else empty (the template's stay). */
    public List<String> writeFor(String role) {
        return write.getOrDefault(role, List.of());
    }

    private static String text(List<String> folders) {
        return folders.isEmpty() ? "-" : String.join(" ", folders);
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    static String list(List<String> items) {
        return "[" + String.join(", ", items.stream().map(LayoutProposal::quote).toList()) + "]";
    }

    /** A YAML double-quoted scalar (JSON's escaping, which YAML reads the same). */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
