package dev.kleiber.config;

import dev.kleiber.validate.LintSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a repository's code lives, as Kleiber needs to know it (the {@code layout:} and {@code lint:} sections of
 * kleiber.yaml): the branch work is merged into, each role's write globs, and where the lint rules look.
 *
 * @param mainBranch the branch {@code kleiber validate} checks ({@code main}, {@code master}, ...)
 * @param write      role → the paths its file tools may write; replaces the {@code write:} of the role's file,
 *                   so that one file holds a repository's layout
 * @param lint       where the rules and gates look, what they skip, each rule's severity
 */
public record LayoutSettings(String mainBranch, Map<String, List<String>> write, LintSettings lint) {
    public static final String DEFAULT_MAIN_BRANCH = "main";

    public LayoutSettings {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        write.forEach((role, globs) -> copy.put(role, List.copyOf(globs)));
        write = java.util.Collections.unmodifiableMap(copy);
    }

    public static LayoutSettings defaults() {
        return new LayoutSettings(DEFAULT_MAIN_BRANCH, Map.of(), LintSettings.defaults());
    }

    /** The write globs kleiber.yaml gives {@code role}, if it names the role. */
    public Optional<List<String>> writeOf(String role) {
        return Optional.ofNullable(write.get(role));
    }

    /** {@code agent} with the write globs kleiber.yaml gives its role, when it gives any. */
    public AgentDefinition applyTo(AgentDefinition agent) {
        return writeOf(agent.name()).map(globs -> new AgentDefinition(agent.name(), agent.description(), agent.model(),
                agent.tools(), globs, agent.read(), agent.commands(), agent.prompt(), agent.source())).orElse(agent);
    }
}
