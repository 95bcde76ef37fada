package dev.kleiber.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.config.KleiberConfig;
import dev.kleiber.config.ProjectConfig;
import dev.kleiber.routing.Tier;

/** {@code kleiber config --json}, apart from the command so that Jackson loads only when JSON is asked for. */
final class ConfigJson {
    private ConfigJson() {
    }

    static ObjectNode of(ProjectConfig project, String store) {
        ObjectMapper mapper = new ObjectMapper();
        KleiberConfig s = project.settings();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode models = root.putObject("models");
        s.models().forEach((tier, id) -> models.put(tier.id(), id));
        ObjectNode budget = root.putObject("budget");
        budget.put("dailyUsd", s.budget().dailyUsd());
        budget.put("timeZone", s.budget().timeZone().getId());
        s.budget().perRunUsd().ifPresent(v -> budget.put("perRunUsd", v));
        s.budget().perTaskUsd().ifPresent(v -> budget.put("perTaskUsd", v));
        s.budget().webhook().ifPresent(v -> budget.put("webhook", v.toString()));
        root.put("workers", s.workers());
        root.put("store", store);
        root.put("sandbox", s.sandbox().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode validate = root.putObject("validate");
        ArrayNode commands = validate.putArray("commands");
        s.validate().commands().forEach(c -> commands.addObject().put("name", c.name()).put("run", c.run())
                .put("timeoutSeconds", c.timeout().toSeconds()));
        s.validate().mainEvery().ifPresentOrElse(every -> validate.put("mainEverySeconds", every.toSeconds()),
                () -> validate.putNull("mainEverySeconds"));
        ArrayNode agents = root.putArray("agents");
        project.agents().values().forEach(a -> {
            ObjectNode agent = agents.addObject().put("name", a.name());
            agent.put("model", a.model().map(Tier::id).orElse("router"));
            a.tools().forEach(agent.putArray("tools")::add);
            a.write().forEach(agent.putArray("write")::add);
        });
        return root;
    }
}
