package dev.kleiber.cli;

import dev.kleiber.config.AgentDefinition;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.routing.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;

@Command(name = "config", description = {
        "Check .kleiber/kleiber.yaml and .kleiber/agents/*.md and print the settings in effect.",
        "An invalid file is reported with its line and what was expected (exit 2)."})
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the settings as one JSON document.")
    boolean json;

    @Override
    public void run() {
        ProjectLayout layout = ProjectLayout.require(CliContext.of(spec).workingDir());
        ProjectConfig project = ProjectConfig.load(layout);
        // the routing policy is configuration too: a broken .kleiber/policy.yaml is reported here, not at the first run
        RoutingPolicies.load(Optional.of(layout));
        KleiberConfig s = project.settings();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ConfigJson.of(project, storeText(project.settings().store())).toPrettyString());
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
        out.println("Agents (" + (project.agents().isEmpty() ? "none defined: the blueprint's roles apply"
                : layout.display(layout.agentsDir())) + "):");
        for (AgentDefinition agent : project.agents().values()) {
            out.printf("  %-18s %-7s writes %s%n", agent.name(), agent.model().map(Tier::id).orElse("router"),
                    agent.write().isEmpty() ? "nothing" : String.join(" ", agent.write()));
        }
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
