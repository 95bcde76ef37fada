package dev.kleiber.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.agent.Glob;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.LayoutSettings;
import dev.kleiber.config.SandboxPolicy;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.routing.Learning;
import dev.kleiber.routing.Tier;
import dev.kleiber.validate.Baseline;
import dev.kleiber.validate.LintSettings;
import dev.kleiber.validate.Rule;

import java.util.List;

/** {@code kleiber config --json}, apart from the command so that Jackson loads only when JSON is asked for. */
final class ConfigJson {
    private ConfigJson() {
    }

    /** Every setting in effect; {@code store} already redacted. */
    static ObjectNode of(ProjectConfig project, String store, Baseline baseline) {
        ObjectMapper mapper = new ObjectMapper();
        KleiberConfig s = project.settings();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode models = root.putObject("models");
        s.models().forEach((tier, id) -> models.put(tier.id(), id));
        ObjectNode prices = root.putObject("prices");
        new java.util.TreeMap<>(s.prices()).forEach((model, p) -> prices.putObject(model).put("input", p.input())
                .put("output", p.output()).put("cacheWrite5m", p.cacheWrite5m()).put("cacheWrite1h", p.cacheWrite1h())
                .put("cacheRead", p.cacheRead()));
        ObjectNode budget = root.putObject("budget");
        budget.put("dailyUsd", s.budget().dailyUsd());
        budget.put("timeZone", s.budget().timeZone().getId());
        s.budget().perRunUsd().ifPresent(v -> budget.put("perRunUsd", v));
        s.budget().perTaskUsd().ifPresent(v -> budget.put("perTaskUsd", v));
        s.budget().webhook().ifPresent(v -> budget.put("webhook", v.toString()));
        root.put("workers", s.workers());
        root.put("store", store);
        root.put("sandbox", s.sandbox().name().toLowerCase(java.util.Locale.ROOT));
        SandboxPolicy.Limits limits = s.sandboxPolicy().limits();
        ObjectNode sandbox = root.putObject("sandboxLimits");
        sandbox.put("processes", limits.processes()).put("memoryBytes", limits.memoryBytes())
                .put("fileSizeBytes", limits.fileSizeBytes()).put("tmpBytes", limits.tmpBytes())
                .put("cpuSeconds", limits.cpuTime().toSeconds());
        s.sandboxPolicy().read().forEach(sandbox.putArray("read")::add);
        root.putObject("agentLimits").put("maxTurns", s.agent().maxTurns()).put("maxOutputTokens", s.agent().maxOutputTokens());
        root.putObject("changeLimits").put("commitFiles", s.changeLimits().commitFiles())
                .put("commitBytes", s.changeLimits().commitBytes());
        ObjectNode validate = root.putObject("validate");
        ArrayNode commands = validate.putArray("commands");
        s.validate().commands().forEach(c -> commands.addObject().put("name", c.name()).put("run", c.run())
                .put("timeoutSeconds", c.timeout().toSeconds()));
        s.validate().mainEvery().ifPresentOrElse(every -> validate.put("mainEverySeconds", every.toSeconds()),
                () -> validate.putNull("mainEverySeconds"));
        validate.put("coverageMinPercent", s.validate().coverageMinPercent());
        ObjectNode routing = root.putObject("routing");
        Learning learning = s.routing().learning();
        routing.putObject("learning").put("enabled", learning.enabled()).put("window", learning.window())
                .put("threshold", learning.threshold());
        ObjectNode sensitive = routing.putObject("sensitivePaths");
        s.routing().sensitivePaths().categories().forEach((category, globs) -> globs.forEach(sensitive.putArray(category)::add));
        ObjectNode requires = root.putObject("requires");
        ObjectNode byRole = requires.putObject("roles");
        s.requires().roles().forEach((role, tags) -> new java.util.TreeSet<>(tags).forEach(byRole.putArray(role)::add));
        ObjectNode byTask = requires.putObject("tasks");
        s.requires().tasks().forEach((task, tags) -> new java.util.TreeSet<>(tags).forEach(byTask.putArray(task)::add));
        layout(root.putObject("layout"), s.layout());
        lint(root.putObject("lint"), s.layout().lint(), baseline);
        ArrayNode agents = root.putArray("agents");
        root.put("agentsDefined", !project.agents().isEmpty());
        ConfigCommand.agentsInEffect(project).forEach(a -> {
            ObjectNode agent = agents.addObject().put("name", a.name());
            agent.put("model", a.model().map(Tier::id).orElse("router"));
            a.tools().forEach(agent.putArray("tools")::add);
            a.write().forEach(agent.putArray("write")::add);
        });
        return root;
    }

    private static void layout(ObjectNode node, LayoutSettings layout) {
        node.put("mainBranch", layout.mainBranch());
        ObjectNode write = node.putObject("write");
        layout.write().forEach((role, globs) -> globs.forEach(write.putArray(role)::add));
    }

    private static void lint(ObjectNode node, LintSettings lint, Baseline baseline) {
        globs(node, "components", lint.components());
        globs(node, "stories", lint.stories());
        globs(node, "utilities", lint.utilities());
        globs(node, "endpoints", lint.endpoints());
        globs(node, "integrationTests", lint.integrationTests());
        globs(node, "exclude", lint.exclude());
        ObjectNode rules = node.putObject("rules");
        for (Rule rule : Rule.values()) {
            rules.put(rule.id(), lint.severity(rule).id());
        }
        node.putObject("baseline").put("file", Baseline.FILE).put("findings", baseline.size());
    }

    private static void globs(ObjectNode node, String name, List<Glob> globs) {
        ArrayNode array = node.putArray(name);
        globs.forEach(glob -> array.add(glob.text()));
    }
}
