package dev.kleiber.claudecode;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The java and class path of this very process (the jar, or the test classes), for the helpers Claude Code's session
 * runs inside the sandbox: the {@code kleiber guard} hook and the {@link LoopbackBridge}. Both are bound read-only
 * into the sandbox, so they must be absolute.
 */
public record KleiberJvm(Path javaHome, List<Path> classPath) {
    /** Small and quick to start: a hook runs once per tool call. */
    private static final List<String> FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Xmx256m");

    public KleiberJvm {
        Objects.requireNonNull(javaHome, "javaHome");
        classPath = List.copyOf(classPath);
    }

    public static KleiberJvm current() {
        List<Path> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty()).map(entry -> Path.of(entry).toAbsolutePath().normalize())
                .toList();
        // real: the sandbox binds the JDK where it really is
        return new KleiberJvm(real(Path.of(System.getProperty("java.home")).toAbsolutePath()), classPath);
    }

    /** {@code java FLAGS -cp CLASSPATH mainClass args...}. */
    public List<String> command(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString()));
        command.addAll(FLAGS);
        command.addAll(List.of("-cp", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                mainClass));
        command.addAll(args);
        return List.copyOf(command);
    }

    /** {@code kleiber guard}, the PreToolUse hook. */
    public List<String> guard() {
        return command("dev.kleiber.cli.Main", List.of("guard"));
    }

    /** What the sandbox must show read-only for these commands to run: the JDK and every class path entry there is. */
    List<Path> files() {
        List<Path> files = new ArrayList<>();
        files.add(javaHome);
        classPath.stream().filter(Files::exists).forEach(files::add);
        return List.copyOf(files);
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }
}
