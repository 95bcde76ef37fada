package dev.kleiber.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.validate.Finding;
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
        "Prints one finding a line as 'path:line: [rule] message'; exit 1 when there are findings, 0 when clean."})
final class LintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the findings as one JSON array of {path, line, rule, message}.")
    boolean json;

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
        Linter.Result result = new Linter(root, unignored).lint(targets.isEmpty() ? List.of(root) : targets, branches,
                EnumSet.allOf(Linter.Scope.class));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (Finding f : result.findings()) {
                array.addObject().put("path", f.path()).put("line", f.line()).put("rule", f.rule().id())
                        .put("message", f.message());
            }
            out.println(array.toPrettyString());
        } else {
            result.findings().forEach(f -> out.println(f.render()));
            String checked = result.filesChecked() + " file" + (result.filesChecked() == 1 ? "" : "s") + ", "
                    + result.branchesChecked() + " branch" + (result.branchesChecked() == 1 ? "" : "es");
            if (result.findings().isEmpty()) {
                out.println("No findings (checked " + checked + ").");
            } else {
                err.println(result.findings().size() + " finding" + (result.findings().size() == 1 ? "" : "s")
                        + " (checked " + checked + ").");
            }
        }
        return result.findings().isEmpty() ? 0 : KleiberException.FAILED;
    }
}
