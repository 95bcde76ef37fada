package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.mcp.CommandOutcome;
import dev.kleiber.mcp.KleiberMcpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code kleiber mcp}: Kleiber as an MCP server on stdin/stdout, for Claude Code, Claude Desktop or an IDE. Each tool
 * runs the matching {@code kleiber} command in this process, in the project folder, so answers and messages are the
 * CLI's own.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve Kleiber's tools over the Model Context Protocol on stdin/stdout: route_task, plan_check, "
                + "plan_estimate, run_status, cost_report, budget_status, protocol_check, protocol_show, review_queue, "
                + "review_show, write_protocol_file. No tool approves, rejects, resumes or raises a budget.",
                "Add it to Claude Code with: claude mcp add kleiber -- kleiber mcp"})
final class McpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--project", paramLabel = "DIR", description = "The project folder (default: the current folder).")
    Optional<String> project = Optional.empty();

    @Override
    public Integer call() throws InterruptedException {
        CliContext outer = CliContext.of(spec);
        Path dir = project.map(outer::resolve).orElse(outer.workingDir());
        if (!Files.isDirectory(dir)) {
            throw KleiberException.badInput("--project: no such folder: " + dir);
        }
        CliContext context = new CliContext(dir, outer.env(), outer.clock(), outer.osAccount());
        String version = Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("dev");
        new KleiberMcpServer(args -> run(context, args), context.workingDir(), version).serve(System.in, System.out);
        return 0;
    }

    /** One command line of the tools, run as {@code kleiber ARGS} would run it, its output captured. */
    private static CommandOutcome run(CliContext context, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(context, args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new CommandOutcome(code, out.toString(), err.toString());
    }
}
