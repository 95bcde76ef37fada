package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.agent.SandboxProbe;
import dev.kleiber.agent.SandboxSupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the demo needs on this machine, found on the demo's {@code PATH}: git, Node.js 18 or newer (the sample
 * shop's tests run with {@code node --test}), and bubblewrap for the sandbox. Without bubblewrap the demo still
 * runs, with {@code sandbox: none}, and says so; without git or node it cannot, and says what to install.
 */
record DemoPrerequisites(String nodeVersion, boolean sandboxed, Optional<String> sandboxNotice) {
    static final int MIN_NODE_MAJOR = 18;
    private static final Pattern NODE_VERSION = Pattern.compile("^v(\\d+)\\.");
    private static final long PROBE_SECONDS = 10;

    /** @throws KleiberException (exit 1) naming what is missing and how to install it */
    static DemoPrerequisites check(Map<String, String> env) {
        List<Path> path = Arrays.stream(env.getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(p -> !p.isBlank()).map(Path::of).toList();
        if (find("git", path).isEmpty()) {
            throw KleiberException.failed("the demo needs git, which is not on PATH; install it (e.g. `sudo apt-get "
                    + "install git`) and run `./kleiber demo` again");
        }
        Path node = find("node", path).orElseThrow(() -> KleiberException.failed("the demo needs Node.js "
                + MIN_NODE_MAJOR + " or newer: its sample shop's tests run with `node --test`, and node is not on PATH. "
                + "Install it (https://nodejs.org/, or `sudo apt-get install nodejs`) and run `./kleiber demo` again."));
        String version = probe(List.of(node.toString(), "--version")).output().strip();
        Matcher major = NODE_VERSION.matcher(version);
        if (!major.find() || Integer.parseInt(major.group(1)) < MIN_NODE_MAJOR) {
            throw KleiberException.failed("the demo needs Node.js " + MIN_NODE_MAJOR + " or newer for `node --test`; "
                    + node + " is '" + version + "'. Install a newer one (https://nodejs.org/) and run `./kleiber demo` again.");
        }
        Optional<Path> bwrap = find("bwrap", path);
        if (bwrap.isEmpty()) {
            return new DemoPrerequisites(version, false, Optional.of("bubblewrap (bwrap) is not installed, so agents' "
                    + "commands run WITHOUT the OS sandbox in this demo (`sandbox: none` in .kleiber/kleiber.yaml): no "
                    + "filesystem or network containment, only a clean environment and a timeout. The file tools still "
                    + "refuse paths outside a role's. Install it with `sudo apt-get install bubblewrap` to see the sandbox."));
        }
        if (new SandboxProbe(env).support() instanceof SandboxSupport.Unavailable no) {
            return new DemoPrerequisites(version, false, Optional.of("bubblewrap is installed but cannot create the "
                    + "hardened sandbox here (" + no.reason() + "), so agents' commands run WITHOUT the OS sandbox in "
                    + "this demo (`sandbox: none`). To see the sandbox: " + no.fix() + "."));
        }
        return new DemoPrerequisites(version, true, Optional.empty());
    }

    private record Probe(int exitCode, String output) {
    }

    private static Probe probe(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] output = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Probe(-1, "did not finish within " + PROBE_SECONDS + " s");
            }
            return new Probe(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Probe(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KleiberException.failed("interrupted while checking " + command.getFirst(), e);
        }
    }

    private static Optional<Path> find(String program, List<Path> path) {
        return path.stream().map(dir -> dir.resolve(program))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }
}
