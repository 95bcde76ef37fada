package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectInitializer;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.git.GitProcess;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The demo's repository: the bundled sample shop (Lantern Books) copied into a new git repository on
 * {@code main}, set up by {@code kleiber init}, given the demo's settings and its script of model answers,
 * and committed, so that every task branches from a clean main.
 */
final class DemoProject {
    static final String RESOURCES = "/dev/kleiber/demo/";
    static final String SCRIPT = ".kleiber/demo-script.jsonl";
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(60);

    private DemoProject() {
    }

    /** The folder the demo may use: a new one, or an empty one; anything else is refused (exit 2). */
    static Path requireUsable(Path dir) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw KleiberException.badInput("--dir " + dir + " is a file; give a new or empty folder for the demo's repository");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw KleiberException.badInput("--dir " + dir + " is not empty; give a new or empty folder for the "
                            + "demo's repository (the demo never writes into existing work)");
                }
            } catch (IOException e) {
                throw KleiberException.badInput("cannot read --dir " + dir + ": " + e.getMessage());
            }
        }
        return dir;
    }

    /**
     * Creates the repository in {@code dir} and returns a one-line account of what {@code kleiber init} made
     * (through the initializer the command runs).
     */
    static String create(Path dir, boolean sandboxed) {
        try {
            Files.createDirectories(dir);
            for (String file : resource("sample-files.txt").lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                Path target = dir.resolve(file).normalize();
                if (!target.startsWith(dir)) {
                    throw new IllegalStateException("sample file " + file + " leads out of the demo folder");
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, resource("sample/" + file));
            }
            git(dir, "init", "-q", "-b", "main");
            git(dir, "config", "user.name", "Kleiber demo");
            git(dir, "config", "user.email", "demo@kleiber.invalid");
            git(dir, "add", "-A");
            git(dir, "commit", "-q", "-m", "Lantern Books: a small bookshop");

            long created = new ProjectInitializer().initialize(ProjectLayout.require(dir)).stream()
                    .filter(step -> step.action() == ProjectInitializer.Action.CREATED).count();
            String settings = resource("kleiber.yaml");
            Files.writeString(dir.resolve(".kleiber/kleiber.yaml"),
                    sandboxed ? settings : settings.replace("sandbox: bwrap", "sandbox: none"));
            Files.writeString(dir.resolve(SCRIPT), resource("script.jsonl"));
            git(dir, "add", "-A");
            git(dir, "commit", "-q", "-m", "Kleiber: kleiber init, the demo's settings and its scripted model answers");
            return "kleiber init: " + created + " files and folders created (.kleiber/kleiber.yaml, the six roles in "
                    + ".kleiber/agents/, tasks/ progress/ complete/ blocked/, orchestration_log.md, CHANGELOG.md, ...)";
        } catch (IOException e) {
            throw KleiberException.failed("cannot create the demo repository in " + dir + ": " + e.getMessage(), e);
        }
    }

    static String resource(String name) {
        try (InputStream in = DemoProject.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the demo resource " + name + " is missing from Kleiber's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the demo resource " + name, e);
        }
    }

    private static void git(Path dir, String... args) {
        GitProcess.Result result = GitProcess.run(dir, List.of(args), Optional.empty(), GIT_TIMEOUT);
        if (result.exitCode() != 0) {
            throw KleiberException.failed("git " + String.join(" ", args) + " failed in " + dir + ": "
                    + (result.err() + result.out()).strip());
        }
    }
}
