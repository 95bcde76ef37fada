package dev.kleiber.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.validate.Baseline;
import dev.kleiber.validate.Finding;
import dev.kleiber.validate.LintSettings;
import dev.kleiber.validate.Linter;
import dev.kleiber.validate.LocalGit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "lint", description = {
        "Check the blueprint's naming conventions (files, functions, branches, SQL tables, columns and indexes)",
        "and the role gates a machine can check (a Storybook story beside each component, an integration test",
        "per endpoint) over the repository or the given paths.",
        "Prints one finding a line as 'path:line: [rule] message'; exit 1 when there are findings, 0 when clean.",
        "Where rules look, what they skip and each rule's severity come from the lint: section of .kleiber/kleiber.yaml; "
                + "findings recorded in " + Baseline.FILE + " (--baseline) are known and do not fail."})
final class LintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the findings as one JSON array of {path, line, rule, message, "
            + "severity, known}.")
    boolean json;

    @Option(names = "--baseline", description = "Record the findings there are now in " + Baseline.FILE
            + " (commit it): from then on only new findings fail lint, a task or validate. Exit 0.")
    boolean baseline;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Files or folders to check (default: the whole repository). Branches are checked only without PATHs.")
    List<String> paths = new ArrayList<>();

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        Path root = layout.root();
        List<Path> targets = new ArrayList<>();
        for (String path : paths) {
            Path target = context.resolve(path);
            if (!target.startsWith(root)) {
                throw KleiberException.badInput(path + " is outside the repository " + root);
            }
            if (!target.toFile().exists()) {
                throw KleiberException.badInput(path + " does not exist");
            }
            targets.add(target);
        }
        LocalGit git = new LocalGit(root);
        PrintWriter err = spec.commandLine().getErr();
        Optional<Set<String>> unignored = Optional.empty();
        List<String> branches = List.of();
        try {
            unignored = Optional.of(git.unignoredFiles());
            if (targets.isEmpty()) {
                branches = git.branches();
            }
        } catch (KleiberException gitFailed) {
            err.println("kleiber: branches and .gitignore not checked: " + gitFailed.getMessage());
        }
        LintSettings settings = ProjectConfig.loadSettings(layout).layout().lint();
        PrintWriter out = spec.commandLine().getOut();
        if (baseline) {
            if (!targets.isEmpty()) {
                throw KleiberException.badInput("--baseline records the whole repository's findings: give no PATH");
            }
            Linter.Result all = new Linter(root, unignored, settings, Baseline.none()).lint(List.of(root), branches,
                    EnumSet.allOf(Linter.Scope.class));
            Baseline.write(root, all.findings());
            out.println("Recorded " + all.findings().size() + " finding" + (all.findings().size() == 1 ? "" : "s")
                    + " in " + Baseline.FILE + ": from now on only new findings fail. Commit the file.");
            return 0;
        }
        Linter.Result result = new Linter(root, unignored, settings, Baseline.read(root))
                .lint(targets.isEmpty() ? List.of(root) : targets, branches, EnumSet.allOf(Linter.Scope.class));
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            result.findings().forEach(f -> add(array, f, "error", false));
            result.warnings().forEach(f -> add(array, f, "warn", false));
            result.known().forEach(f -> add(array, f, "error", true));
            out.println(array.toPrettyString());
        } else {
            result.findings().forEach(f -> out.println(f.render()));
            result.warnings().forEach(f -> out.println(f.render() + " (warning)"));
            String checked = result.filesChecked() + " file" + (result.filesChecked() == 1 ? "" : "s") + ", "
                    + result.branchesChecked() + " branch" + (result.branchesChecked() == 1 ? "" : "es")
                    + (result.known().isEmpty() ? "" : ", " + result.known().size() + " known in " + Baseline.FILE)
                    + (result.skipped() == 0 ? "" : ", " + result.skipped() + " excluded or generated skipped")
                    + result.withoutRuleText();
            if (result.findings().isEmpty()) {
                out.println("No " + (result.known().isEmpty() ? "" : "new ") + "findings (checked " + checked + ").");
            } else {
                err.println(result.findings().size() + " finding" + (result.findings().size() == 1 ? "" : "s")
                        + " (checked " + checked + ").");
            }
        }
        return result.findings().isEmpty() ? 0 : KleiberException.FAILED;
    }

    private static void add(ArrayNode array, Finding f, String severity, boolean known) {
        array.addObject().put("path", f.path()).put("line", f.line()).put("rule", f.rule().id())
                .put("message", f.message()).put("severity", severity).put("known", known);
    }
}
