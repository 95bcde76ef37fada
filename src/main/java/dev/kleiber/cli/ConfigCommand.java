package dev.kleiber.cli;

import dev.kleiber.KleiberException;

import dev.kleiber.config.AgentDefinition;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.LayoutSettings;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.routing.Learning;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.validate.Baseline;
import dev.kleiber.validate.LintSettings;
import dev.kleiber.validate.Rule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;

@Command(name = "config", description = {
        "Check .kleiber/kleiber.yaml and .kleiber/agents/*.md and print the settings in effect: models, budget,",
        "sandbox, validation, routing, the layout (main branch, write globs), lint roots, excludes, rule severities",
        "and the baseline, and each role's write globs.",
        "An invalid file is reported with its line and what was expected (exit 2)."})
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the settings as one JSON document.")
    boolean json;

    @Override
    public void run() {
        ProjectLayout layout = ProjectLayout.require(CliContext.of(spec).workingDir());
        ProjectConfig project = checked(layout);
        KleiberConfig s = project.settings();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ConfigJson.of(project, storeText(project.settings().store()), Baseline.read(layout.root()))
                    .toPrettyString());
            return;
        }
        out.println("Settings (" + (java.nio.file.Files.exists(layout.configFile())
                ? layout.display(layout.configFile()) : "defaults: no .kleiber/kleiber.yaml") + "):");
        for (Tier tier : new Tier[] {Tier.OPUS, Tier.SONNET, Tier.HAIKU}) {
            out.printf("  model %-7s %s%n", tier.id(), s.modelFor(tier));
        }
        out.printf("  budget        $%s a day (%s)%s%s%n", s.budget().dailyUsd().toPlainString(), s.budget().timeZone(),
                s.budget().perRunUsd().map(v -> ", $" + v.toPlainString() + " a run").orElse(""),
                s.budget().perTaskUsd().map(v -> ", $" + v.toPlainString() + " a task").orElse(""));
        out.printf("  workers       %d%n", s.workers());
        out.printf("  store         %s%n", storeText(s.store()));
        out.printf("  sandbox       %s%n", s.sandbox().name().toLowerCase(java.util.Locale.ROOT));
        dev.kleiber.config.SandboxPolicy.Limits limits = s.sandboxPolicy().limits();
        out.printf("  limits        %d processes, %s memory, %s files, %s /tmp, %d s CPU per process; reads %s%n",
                limits.processes(), dev.kleiber.config.SandboxPolicy.Limits.size(limits.memoryBytes()),
                dev.kleiber.config.SandboxPolicy.Limits.size(limits.fileSizeBytes()),
                dev.kleiber.config.SandboxPolicy.Limits.size(limits.tmpBytes()), limits.cpuTime().toSeconds(),
                s.sandboxPolicy().read().isEmpty() ? "no extra folders" : String.join(", ", s.sandboxPolicy().read()));
        out.printf("  validate      %s%n", s.validate().commands().isEmpty() ? "(no commands)"
                : String.join(", ", s.validate().commands().stream().map(c -> c.name() + ": " + c.run()).toList()));
        out.printf("  main every    %s%n", s.validate().mainEvery().map(ConfigCommand::durationText)
                .orElse("off (main is not validated during a run)"));
        out.printf("  coverage      %d%% of lines, when a coverage report is found%n", s.validate().coverageMinPercent());
        out.printf("  agent         %d turns, %d output tokens a call%n", s.agent().maxTurns(), s.agent().maxOutputTokens());
        out.printf("  changes       at most %d files, %s a commit%n", s.changeLimits().commitFiles(),
                dev.kleiber.config.SandboxPolicy.Limits.size(s.changeLimits().commitBytes()));
        Learning learning = s.routing().learning();
        out.printf("  learning      %s%n", learning.enabled() ? "on (a rule moves up a tier when over " + learning.threshold()
                + " of its last " + learning.window() + " tasks escalated or failed validation)" : "off");
        out.printf("  review paths  %s%n", String.join("; ", s.routing().sensitivePaths().categories().entrySet().stream()
                .map(e -> e.getKey() + ": " + String.join(" ", e.getValue())).toList()));
        out.printf("  requires      %s%n", requiresText(s.requires()));
        printLayout(out, layout, s.layout());
        out.println("Agents (" + (project.agents().isEmpty() ? "none defined: the blueprint's roles apply"
                : layout.display(layout.agentsDir())) + "):");
        for (AgentDefinition agent : agentsInEffect(project)) {
            out.printf("  %-18s %-7s writes %s%n", agent.name(), agent.model().map(Tier::id).orElse("router"),
                    agent.write().isEmpty() ? "nothing" : String.join(" ", agent.write()));
        }
    }

    /**
     * The project's settings after every check a run makes before it starts: kleiber.yaml, the agent files, the
     * routing policy (a broken .kleiber/policy.yaml is reported here, not at the first run) and the roles
     * {@code requires.roles} names. Throws the first problem, naming its file and line.
     */
    static ProjectConfig checked(ProjectLayout layout) {
        ProjectConfig project = ProjectConfig.load(layout);
        RoutingPolicies.load(Optional.of(layout));
        for (String role : project.settings().requires().roles().keySet()) {
            if (!project.knownRoles().contains(role)) {
                throw KleiberException.badInput(layout.display(layout.configFile()) + ": 'requires.roles' names '" + role
                        + "', which is no role; expected one of " + String.join(", ", new java.util.TreeSet<>(project.knownRoles())));
            }
        }
        return project;
    }

    /** Where the code lives and what lint judges (kleiber.yaml's layout: and lint:, as `kleiber init` proposed them). */
    private static void printLayout(PrintWriter out, ProjectLayout layout, LayoutSettings settings) {
        out.println("Layout:");
        out.printf("  main branch   %s%n", settings.mainBranch());
        out.printf("  write         %s%n", settings.write().isEmpty() ? "each role's own file (no layout.write)"
                : String.join("; ", settings.write().entrySet().stream()
                .map(e -> e.getKey() + ": " + String.join(" ", e.getValue())).toList()));
        LintSettings lint = settings.lint();
        out.println("Lint:");
        out.printf("  components    %s%n", globs(lint.components()));
        out.printf("  stories       %s%n", globs(lint.stories()));
        out.printf("  utilities     %s%n", globs(lint.utilities()));
        out.printf("  endpoints     %s%n", globs(lint.endpoints()));
        out.printf("  integration   %s%n", globs(lint.integrationTests()));
        out.printf("  exclude       %s%n", globs(lint.exclude()));
        out.printf("  rules         %s%n", String.join(" ", java.util.Arrays.stream(Rule.values())
                .map(rule -> rule.id() + "=" + lint.severity(rule).id()).toList()));
        Baseline baseline = Baseline.read(layout.root());
        out.printf("  baseline      %s%n", baseline.isEmpty() ? "none (`kleiber lint --baseline` records one)"
                : Baseline.FILE + ": " + baseline.size() + " known findings");
    }

    private static String globs(java.util.List<dev.kleiber.agent.Glob> globs) {
        return globs.isEmpty() ? "-" : String.join(" ", globs.stream().map(dev.kleiber.agent.Glob::text).toList());
    }

    /** Which worker tags (kleiber worker --tags) the tasks of a run on many machines need, by role and by task. */
    private static String requiresText(dev.kleiber.config.Requirements requires) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        requires.roles().forEach((role, tags) -> parts.add(role + ": " + String.join(" ", new java.util.TreeSet<>(tags))));
        requires.tasks().forEach((task, tags) -> parts.add("task " + task + ": " + String.join(" ", new java.util.TreeSet<>(tags))));
        return parts.isEmpty() ? "no tags (any worker may claim any task)" : String.join("; ", parts);
    }

    /** The project's agent files, else the blueprint's roles as they apply here (with layout.write). */
    static java.util.List<AgentDefinition> agentsInEffect(ProjectConfig project) {
        return project.agents().isEmpty()
                ? Roles.BLUEPRINT.stream().flatMap(role -> project.agentOrBlueprint(role).stream()).toList()
                : java.util.List.copyOf(project.agents().values());
    }

    /** A duration as kleiber.yaml spells it: {@code 30m}, {@code 1h}, {@code 90s}. */
    static String durationText(java.time.Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    static String storeText(KleiberConfig.Store store) {
        return switch (store) {
            case KleiberConfig.Store.Sqlite ignored -> "sqlite (.kleiber/state.db)";
            case KleiberConfig.Store.Postgresql pg -> "postgresql (" + pg.redactedUrl() + ")";
        };
    }
}
