package dev.kleiber.cli;

import dev.kleiber.Counted;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.conductor.MainValidation;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.git.GitRepository;
import dev.kleiber.validate.CheckResult;
import dev.kleiber.validate.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code kleiber validate}: main's last commit, checked as the validator checks a task's work. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = {
        "Validate main as it stands: its last commit in a fresh worktree (uncommitted edits in your checkout do not "
                + "count), the validate.commands of .kleiber/kleiber.yaml run under the sandbox with the validator's "
                + "rights, the naming conventions over every tracked file, the role gates and line coverage when a "
                + "report exists. Writes reports/main-validation.md and prints a summary.",
        "Exit 0 when every check passed, 1 when one failed, 2 for a bad configuration."})
final class ValidateCommand implements Callable<Integer> {
    /** Of a failing check's output, the lines printed to the terminal; the report keeps more. */
    private static final int TAIL_LINES = 40;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document: {target, commit, result, checkedAt, report, "
            + "checks:[{name, status, seconds, summary}]}.")
    boolean json;

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        ProjectLayout layout = ProjectLayout.require(context.workingDir());
        ProjectConfig project = ProjectConfig.load(layout);
        GitRepository git = new GitRepository(layout.root(), layout.worktreesDir().resolve("_merge"));
        MainValidation validation = new MainValidation(git, project, context.env(), context.clock());
        PrintWriter out = spec.commandLine().getOut();
        String commit = validation.mainCommit();
        if (!json) {
            out.println("validating main at " + commit.substring(0, 12) + " in a fresh worktree"
                    + (project.settings().validate().commands().isEmpty()
                    ? " (no validate.commands in .kleiber/kleiber.yaml: only Kleiber's own checks run)" : ""));
            out.flush();
        }
        ValidationReport report = validation.validate(commit);
        if (json) {
            out.println(Json.write(json(report)));
        } else {
            print(out, report);
        }
        return report.passed() ? 0 : KleiberException.FAILED;
    }

    private static void print(PrintWriter out, ValidationReport report) {
        for (CheckResult check : report.checks()) {
            out.printf(Locale.ROOT, "  [%s] %s (%.1f s)%s%n", check.status().name(), check.name(), check.duration().toMillis() / 1000.0,
                    check.summary().isEmpty() ? "" : ": " + check.summary());
            if (check.failed() && !check.output().isBlank()) {
                List<String> lines = check.output().strip().lines().toList();
                if (lines.size() > TAIL_LINES) {
                    out.println("      [... " + (lines.size() - TAIL_LINES) + " more lines above: see the report ...]");
                }
                lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
                        .forEach(line -> out.println("      " + line));
            }
        }
        List<CheckResult> failures = report.failures();
        out.println(failures.isEmpty()
                ? "main passed: " + Counted.of(report.checks().size(), "check") + "; report " + report.fileName()
                : "main FAILED: " + String.join(", ", failures.stream().map(CheckResult::name).toList())
                + " (" + failures.size() + " of " + Counted.of(report.checks().size(), "check") + "); report " + report.fileName());
    }

    private static ObjectNode json(ValidationReport report) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("target", MainValidation.REPORT_ID);
        root.put("commit", report.commit().orElse(""));
        root.put("result", report.passed() ? "passed" : "failed");
        root.put("checkedAt", report.checkedAt().toString());
        root.put("report", report.fileName());
        ArrayNode checks = root.putArray("checks");
        for (CheckResult check : report.checks()) {
            checks.addObject().put("name", check.name()).put("status", check.status().id())
                    .put("seconds", check.duration().toMillis() / 1000.0).put("summary", check.summary());
        }
        return root;
    }
}
