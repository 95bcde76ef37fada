package dev.kleiber.cli;

import dev.kleiber.config.LayoutProposal;
import dev.kleiber.config.ProjectInitializer;
import dev.kleiber.config.RepositoryScan;
import dev.kleiber.config.ProjectLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

@Command(name = "init", description = {
        "Set up a git repository for Kleiber: .kleiber/kleiber.yaml, the agent roles in .kleiber/agents/, "
                + "the protocol folders, orchestration_log.md, PROGRESS.md, CHANGELOG.md and .gitignore entries.",
        "Reads the repository first (main branch, package manager and workspaces, where front-end, back-end, database "
                + "and test code live, its test/lint/typecheck scripts, generated folders) and writes what it found: "
                + "validate.commands, the layout and lint sections of kleiber.yaml, the roles' write globs.",
        "Safe to re-run: files that exist are never overwritten (the proposal is printed instead)."})
final class InitCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "A folder inside the repository (default: here).")
    String dir;

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        Path start = dir == null ? context.workingDir() : context.resolve(dir);
        ProjectLayout layout = ProjectLayout.require(start);
        LayoutProposal proposal = LayoutProposal.of(new RepositoryScan(layout.root()).scan());
        List<ProjectInitializer.Step> steps = new ProjectInitializer().initialize(layout, Optional.of(proposal));

        PrintWriter out = spec.commandLine().getOut();
        out.println("Found in " + layout.root() + ":");
        proposal.summary().forEach(line -> out.println("  " + line));
        out.println("Kleiber in " + layout.root() + ":");
        int width = steps.stream().mapToInt(s -> s.path().length()).max().orElse(0);
        for (ProjectInitializer.Step step : steps) {
            String detail = step.detail().isEmpty() ? "" : " (" + step.detail() + ")";
            out.printf("  %-" + width + "s  %s%s%n", step.path(), step.action().words(), detail);
        }
        boolean keptSettings = steps.stream().anyMatch(s -> s.path().equals(".kleiber/kleiber.yaml")
                && s.action() == ProjectInitializer.Action.KEPT);
        String sections = proposal.sectionsYaml();
        if (keptSettings && (!sections.isEmpty() || !proposal.facts().commands().isEmpty())) {
            out.println("Your .kleiber/kleiber.yaml was left as it is. What Kleiber would set for this repository:");
            out.println("  validate:\n    commands: " + proposal.commandsYaml());
            sections.lines().forEach(line -> out.println("  " + line));
        }
        long created = steps.stream().filter(s -> s.action() == ProjectInitializer.Action.CREATED).count();
        out.println(created == 0 ? "Nothing to do: the repository was already set up."
                : "Next: review .kleiber/kleiber.yaml (validator commands, budget), then run 'kleiber config' to check it and"
                        + " 'kleiber doctor' to check what a first run needs (git identity, a first commit, bubblewrap,"
                        + " the API key and models).");
    }
}
