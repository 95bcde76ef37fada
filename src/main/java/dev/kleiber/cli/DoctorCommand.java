package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.agent.SandboxProbe;
import dev.kleiber.agent.SandboxSupport;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.LayoutSettings;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.ledger.BudgetStatus;
import dev.kleiber.ledger.Ledger;
import dev.kleiber.ledger.TierModels;
import dev.kleiber.ledger.Usd;
import dev.kleiber.llm.AnthropicSettings;
import dev.kleiber.llm.LatestModels;
import dev.kleiber.llm.ModelCatalog;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "doctor", description = {
        "Check what a first run needs, each with how to fix it: the JDK, git and its identity, the repository,",
        "bubblewrap and the sandbox hardening, Node when the validator needs it, the store, ANTHROPIC_API_KEY",
        "(never printed), the API and each tier's model, and today's budget.",
        "Exit 0 only when a run can work, 1 otherwise."})
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    enum Status { OK, WARN, FAIL }

    /** One check: what was found, and how to fix it when it is not OK. */
    record Check(String name, Status status, String detail, String fix) {
        static Check ok(String name, String detail) {
            return new Check(name, Status.OK, detail, "");
        }

        static Check fail(String name, String detail, String fix) {
            return new Check(name, Status.FAIL, detail, fix);
        }
    }

    @Override
    public Integer call() {
        CliContext context = CliContext.of(spec);
        List<Check> checks = new ArrayList<>();
        checks.add(jdk());
        Optional<Check> git = git(context);
        checks.add(git.orElse(Check.ok("git", run(context, context.workingDir(), "git", "--version").orElse("git"))));
        Optional<ProjectLayout> layout = ProjectLayout.find(context.workingDir());
        if (layout.isEmpty()) {
            checks.add(Check.fail("repository", "not inside a git repository (" + context.workingDir() + ")",
                    "cd into your project's repository, or create one: git init -b main && git commit --allow-empty -m init"));
        } else {
            checks.add(identity(context, layout.get()));
            checks.add(repository(context, layout.get()));
        }
        Optional<KleiberConfig> config = Optional.empty();
        if (layout.isPresent()) {
            try {
                config = Optional.of(ConfigCommand.checked(layout.get()).settings());
                checks.add(Check.ok("settings", settingsChecked(layout.get())));
            } catch (KleiberException e) {
                checks.add(Check.fail("settings", e.getMessage(), "fix the file as the message says; `kleiber config` checks it"));
            }
        }
        config.flatMap(c -> node(context, c)).ifPresent(checks::add);
        if (layout.isPresent() && config.isPresent()) {
            checks.addAll(storeAndBudget(context, layout.get(), config.get()));
        }
        checks.addAll(api(context, layout, config));
        checks.add(sandbox(context, config));
        int exit = checks.stream().anyMatch(c -> c.status() == Status.FAIL) ? KleiberException.FAILED : 0;
        print(spec.commandLine().getOut(), checks, exit);
        return exit;
    }

    private static Check jdk() {
        int feature = Runtime.version().feature();
        return feature >= 21 ? Check.ok("jdk", "Java " + Runtime.version())
                : Check.fail("jdk", "Java " + Runtime.version() + " is older than 21", "install a JDK 21 or newer");
    }

    private static Optional<Check> git(CliContext context) {
        return run(context, context.workingDir(), "git", "--version").isPresent() ? Optional.empty()
                : Optional.of(Check.fail("git", "git was not found on PATH", "install git (apt-get install git)"));
    }

    private static Check identity(CliContext context, ProjectLayout layout) {
        Optional<String> name = run(context, layout.root(), "git", "config", "user.name");
        Optional<String> email = run(context, layout.root(), "git", "config", "user.email");
        if (name.isEmpty() || email.isEmpty()) {
            return Check.fail("git identity", "git has no " + (name.isEmpty() ? "user.name" : "user.email")
                    + ": Kleiber's merge commits would fail", "git config --global user.name \"Your Name\" && "
                    + "git config --global user.email you@example.com");
        }
        return Check.ok("git identity", name.get() + " <" + email.get() + ">");
    }

    private static Check repository(CliContext context, ProjectLayout layout) {
        if (run(context, layout.root(), "git", "rev-parse", "--verify", "--quiet", "HEAD").isEmpty()) {
            return Check.fail("repository", layout.root() + " has no commit yet", "git commit --allow-empty -m init");
        }
        String main = mainBranch(layout);
        if (run(context, layout.root(), "git", "rev-parse", "--verify", "--quiet", "refs/heads/" + main).isEmpty()) {
            return Check.fail("repository", layout.root() + " has no branch '" + main + "' (agents branch from and merge into "
                    + main + ")", "name the repository's main branch in .kleiber/kleiber.yaml (layout: {main_branch: NAME}),"
                    + " or git branch " + main);
        }
        return Check.ok("repository", layout.root() + ", branch " + main);
    }

    /** Which of the files `kleiber config` checks were there to check. */
    private static String settingsChecked(ProjectLayout layout) {
        List<String> files = new ArrayList<>();
        for (Path file : List.of(layout.configFile(), layout.policyFile())) {
            if (java.nio.file.Files.isRegularFile(file)) {
                files.add(layout.display(file));
            }
        }
        if (java.nio.file.Files.isDirectory(layout.agentsDir())) {
            files.add(layout.display(layout.agentsDir()) + "/*.md");
        }
        return files.isEmpty() ? "Kleiber's defaults (no .kleiber/kleiber.yaml)" : String.join(", ", files) + " valid";
    }

    /** layout.main_branch of kleiber.yaml; the default when the file is broken (the settings check reports that). */
    private static String mainBranch(ProjectLayout layout) {
        try {
            return ProjectConfig.loadSettings(layout).layout().mainBranch();
        } catch (KleiberException broken) {
            return LayoutSettings.DEFAULT_MAIN_BRANCH;
        }
    }

    private static Optional<Check> node(CliContext context, KleiberConfig config) {
        boolean needsNode = config.validate().commands().stream()
                .anyMatch(c -> c.run().matches("(?s).*\\b(node|npm|npx|yarn|pnpm)\\b.*"));
        if (!needsNode) {
            return Optional.empty();
        }
        return Optional.of(run(context, context.workingDir(), "node", "--version")
                .map(version -> Check.ok("node", "node " + version + " (validate.commands run it)"))
                .orElse(Check.fail("node", "validate.commands run node/npm but node was not found on PATH",
                        "install Node.js (https://nodejs.org), or change validate.commands")));
    }

    private static List<Check> storeAndBudget(CliContext context, ProjectLayout layout, KleiberConfig config) {
        LedgerSettings settings;
        try {
            settings = LedgerSettings.of(layout, config, Optional.empty());
        } catch (KleiberException e) {
            return List.of(Check.fail("store", e.getMessage(), "fix 'store' in .kleiber/kleiber.yaml"));
        }
        try (Store store = Store.open(settings.store(), context.clock())) {
            BudgetStatus status = new Ledger(store, settings.prices(), settings.models(), settings.limits(),
                    context.clock()).status();
            Check storeCheck = Check.ok("store", settings.store() + " opens; migrations applied");
            if (status.paused()) {
                return List.of(storeCheck, Check.fail("budget", "paused: today's limit " + Usd.cents(status.limitUsd())
                        + " was reached (spent " + Usd.fine(status.spentUsd()) + ")",
                        "kleiber budget raise --to USD, or wait until tomorrow (" + status.zone() + ")"));
            }
            if (status.remainingUsd().signum() <= 0) {
                return List.of(storeCheck, Check.fail("budget", "nothing left today: spent " + Usd.fine(status.spentUsd())
                        + " of " + Usd.cents(status.limitUsd()), "kleiber budget raise --to USD"));
            }
            return List.of(storeCheck, Check.ok("budget", Usd.fine(status.remainingUsd()) + " left today of "
                    + Usd.cents(status.limitUsd())));
        } catch (KleiberException | IllegalStateException e) {
            return List.of(Check.fail("store", "the store does not open: " + e.getMessage(),
                    "check 'store' in .kleiber/kleiber.yaml (sqlite, or a reachable postgresql:// URL)"));
        }
    }

    private static List<Check> api(CliContext context, Optional<ProjectLayout> layout, Optional<KleiberConfig> config) {
        AnthropicSettings settings;
        try {
            settings = AnthropicSettings.fromEnv(context.env());
        } catch (KleiberException e) {
            return List.of(Check.fail("api key", AnthropicSettings.API_KEY_VARIABLE + " is not set (or "
                    + AnthropicSettings.BASE_URL_VARIABLE + " is not a URL)", "export " + AnthropicSettings.API_KEY_VARIABLE
                    + "=<your key from https://console.anthropic.com/settings/keys>; `./kleiber demo` needs none"));
        }
        List<Check> checks = new ArrayList<>();
        // never the key itself, not even a part of it
        checks.add(Check.ok("api key", AnthropicSettings.API_KEY_VARIABLE + " is set"));
        List<ModelCatalog.Listed> listed;
        try (ModelCatalog catalog = new ModelCatalog(settings)) {
            listed = catalog.list();
        } catch (KleiberException e) {
            checks.add(Check.fail("api", e.getMessage(), e.exitCode() == KleiberException.BAD_INPUT
                    ? "check " + AnthropicSettings.API_KEY_VARIABLE + " (a key of the right workspace, not revoked)"
                    : "check the network and " + AnthropicSettings.BASE_URL_VARIABLE + " (" + settings.baseUrl() + ")"));
            return checks;
        }
        checks.add(Check.ok("api", settings.baseUrl() + " answers; the key can use " + listed.size() + " models"));
        TierModels configured = new TierModels(config.orElse(KleiberConfig.defaults()).models());
        TierModels chosen = configured.resolved(tier -> LatestModels.newest(listed, tier).orElse("latest"));
        var prices = layout.flatMap(l -> config.map(c -> LedgerSettings.of(l, c, Optional.empty()).prices()))
                .orElse(dev.kleiber.ledger.PriceTable.shipped());
        for (Tier tier : ModelChoices.tiers()) {
            String id = chosen.modelFor(tier);
            boolean available = listed.stream().anyMatch(m -> m.id().equals(id)
                    || dev.kleiber.ledger.ModelIds.undated(m.id()).equals(id));
            String name = "model " + tier.id();
            if (!available) {
                checks.add(Check.fail(name, id + " is not available to this key (retired, misspelt or not enabled)",
                        "`kleiber models` lists the models the key can use; set 'models." + tier.id() + "' to one"));
            } else if (prices.find(id).isEmpty()) {
                checks.add(Check.fail(name, id + " has no known price, so Kleiber would refuse to call it",
                        "add its list price under 'prices:' in .kleiber/kleiber.yaml, or pick a priced model"));
            } else {
                checks.add(Check.ok(name, id + (configured.isLatest(tier) ? " (latest)" : "")));
            }
        }
        return checks;
    }

    private static Check sandbox(CliContext context, Optional<KleiberConfig> config) {
        if (config.map(c -> c.sandbox() == KleiberConfig.Sandbox.NONE).orElse(false)) {
            return new Check("sandbox", Status.WARN, "sandbox: none: agents' commands run unconfined",
                    "set 'sandbox: bwrap' where bubblewrap works");
        }
        return switch (new SandboxProbe(context.env()).support()) {
            case SandboxSupport.Hardened hardened -> Check.ok("sandbox", "bubblewrap hardening applies: "
                    + hardened.isolation() + "; " + hardened.limits());
            case SandboxSupport.Unavailable unavailable -> Check.fail("sandbox", unavailable.reason(), unavailable.fix());
        };
    }

    /** A short command's first line of output, when it ran and exited 0 within ten seconds. */
    private static Optional<String> run(CliContext context, Path dir, String... command) {
        // looked up on the command's PATH, not the JVM's: that is the PATH a run's commands get
        Optional<Path> program = onPath(context, command[0]);
        if (program.isEmpty()) {
            return Optional.empty();
        }
        List<String> line = new ArrayList<>(List.of(command));
        line.set(0, program.get().toString());
        ProcessBuilder builder = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        Map<String, String> passed = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME")) {
            context.env(name).ifPresent(value -> passed.put(name, value));
        }
        env.putAll(passed);
        env.put("GIT_TERMINAL_PROMPT", "0");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String first = new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            return process.exitValue() == 0 ? Optional.of(first) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(CliContext context, String name) {
        for (String dir : context.env("PATH").orElse("").split(java.io.File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(name);
            if (java.nio.file.Files.isRegularFile(candidate) && java.nio.file.Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private void print(PrintWriter out, List<Check> checks, int exit) {
        if (json) {
            ObjectNode root = Json.object().put("ok", exit == 0);
            ArrayNode array = root.putArray("checks");
            checks.forEach(c -> array.addObject().put("name", c.name()).put("status", c.status().name().toLowerCase())
                    .put("detail", c.detail()).put("fix", c.fix()));
            out.println(Json.write(root));
        } else {
            int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(8);
            for (Check check : checks) {
                out.printf("%-4s  %-" + width + "s  %s%n", check.status(), check.name(), check.detail());
                if (!check.fix().isEmpty() && check.status() != Status.OK) {
                    out.printf("      %" + width + "s  fix: %s%n", "", check.fix());
                }
            }
            out.println(exit == 0 ? "A run can work." : "A run cannot work yet: fix the FAIL lines above.");
        }
        out.flush();
    }
}
