package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Roles;
import dev.kleiber.yaml.SafeYaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A repository's Kleiber configuration as loaded from disk: settings and agent roles. */
public record ProjectConfig(ProjectLayout layout, KleiberConfig settings, Map<String, AgentDefinition> agents) {
    /** {@code agents} keeps the order given: the blueprint's roles first, then the project's own by name. */
    public ProjectConfig {
        agents = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(agents));
    }

    /**
     * Loads {@code .kleiber/kleiber.yaml} (defaults when absent) and every {@code .kleiber/agents/*.md}.
     * Without a {@code .kleiber/agents} folder the roles are unknown to the project: see {@link #knownRoles()}.
     */
    public static ProjectConfig load(ProjectLayout layout) {
        SafeYaml yaml = new SafeYaml();
        KleiberConfig settings = loadSettings(layout);
        Map<String, AgentDefinition> agents = new TreeMap<>(java.util.Comparator
                .comparingInt((String role) -> Roles.BLUEPRINT.contains(role) ? Roles.BLUEPRINT.indexOf(role) : Integer.MAX_VALUE)
                .thenComparing(role -> role));
        if (Files.isDirectory(layout.agentsDir())) {
            AgentDefinitionParser parser = new AgentDefinitionParser(yaml);
            try (Stream<Path> files = Files.list(layout.agentsDir())) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().toList()) {
                    AgentDefinition agent = settings.layout().applyTo(
                            parser.parse(layout.readText(file), Path.of(layout.display(file))));
                    agents.put(agent.name(), agent);
                }
            } catch (IOException e) {
                throw KleiberException.badInput(layout.display(layout.agentsDir()) + ": cannot be listed: " + e.getMessage());
            }
        }
        return new ProjectConfig(layout, settings, agents);
    }

    /** Only {@code .kleiber/kleiber.yaml}: its settings, or the defaults when there is no such file. */
    public static KleiberConfig loadSettings(ProjectLayout layout) {
        return Files.isRegularFile(layout.configFile())
                ? new ConfigParser(new SafeYaml()).parse(layout.readText(layout.configFile()),
                layout.display(layout.configFile()))
                : KleiberConfig.defaults();
    }

    /** The roles agents may take: the project's own when it defines any, else the blueprint's. */
    public Set<String> knownRoles() {
        return Set.copyOf(layout.knownRoles());
    }

    public Optional<AgentDefinition> agent(String role) {
        return Optional.ofNullable(agents.get(role));
    }

    /** The project's definition of {@code role}, else the blueprint's own (as {@code kleiber init} writes it). */
    public Optional<AgentDefinition> agentOrBlueprint(String role) {
        return agent(role).or(() -> Roles.BLUEPRINT.contains(role)
                ? Optional.of(settings.layout().applyTo(new AgentDefinitionParser(new SafeYaml()).parse(
                ProjectInitializer.template("agents/" + role + ".md"), Path.of(".kleiber/agents/" + role + ".md"))))
                : Optional.empty());
    }

    /** The roles a plan may name, with where each may write (its file's write:, or layout.write of kleiber.yaml). */
    public dev.kleiber.plan.RoleScopes roleScopes() {
        Map<String, List<dev.kleiber.agent.Glob>> write = new java.util.LinkedHashMap<>();
        for (String role : knownRoles()) {
            agentOrBlueprint(role).ifPresent(a -> write.put(role, a.write().stream().map(dev.kleiber.agent.Glob::path).toList()));
        }
        return new dev.kleiber.plan.RoleScopes(knownRoles(), write);
    }

    public List<String> sortedRoles() {
        return knownRoles().stream().sorted().toList();
    }
}
