package dev.kleiber.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What a command may know of the world it runs in: the working directory, the environment, the clock and the OS
 * account running it (who decides when {@code $USER} is unset). Passed in from {@link Main} so that tests run
 * commands against temp folders and fake clocks.
 */
public record CliContext(Path workingDir, Map<String, String> env, Clock clock, Optional<String> osAccount) {

    public CliContext {
        workingDir = workingDir.toAbsolutePath().normalize();
        env = Map.copyOf(env);
        osAccount = osAccount.map(String::strip).filter(name -> !name.isEmpty() && !name.equals("?"));
    }

    /** This process's OS account, as the JVM read it from the system (not from {@code $USER}). */
    public CliContext(Path workingDir, Map<String, String> env, Clock clock) {
        this(workingDir, env, clock, Optional.ofNullable(System.getProperty("user.name")));
    }

    public static CliContext ofProcess() {
        return new CliContext(Path.of(""), System.getenv(), Clock.systemUTC());
    }

    /** The context of the {@link Main} at the root of {@code spec}'s command tree. */
    public static CliContext of(CommandSpec spec) {
        return ((Main) spec.root().userObject()).context();
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    /** {@code path} resolved against the working directory. */
    public Path resolve(String path) {
        return workingDir.resolve(path).normalize();
    }
}
