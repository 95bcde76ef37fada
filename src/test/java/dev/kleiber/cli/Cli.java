package dev.kleiber.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs {@code kleiber} in-process against a working directory, capturing what it prints. */
public final class Cli {
    public record Result(int exitCode, String out, String err) {
    }

    private final CliContext context;

    public Cli(Path workingDir) {
        this(new CliContext(workingDir, Map.of(), Clock.systemUTC()));
    }

    public Cli(CliContext context) {
        this.context = context;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(context, args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
