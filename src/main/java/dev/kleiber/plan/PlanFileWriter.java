package dev.kleiber.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Writes a plan in the plan-file format {@link PlanFileParser} reads, so that a plan the conductor made can be
 * kept, checked, edited by a person and run again: {@code parse(write(plan))} equals {@code plan}.
 */
public final class PlanFileWriter {
    private final ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    public String write(Plan plan) {
        ObjectNode root = yaml.createObjectNode();
        ArrayNode tasks = root.putArray("tasks");
        for (PlannedTask task : plan.tasks()) {
            ObjectNode node = tasks.addObject();
            node.put("id", task.id());
            node.put("title", task.title());
            node.put("agent", task.agent());
            node.put("priority", task.priority().id());
            task.model().ifPresent(model -> node.put("model", model.id()));
            task.risk().ifPresent(risk -> node.put("risk", risk));
            task.runner().ifPresent(runner -> node.put("runner", runner.id()));
            if (!task.dependsOn().isEmpty()) {
                task.dependsOn().forEach(node.putArray("depends_on")::add);
            }
            node.put("description", task.description());
            task.acceptance().forEach(node.putArray("acceptance")::add);
            task.context().ifPresent(context -> node.put("context", context));
            task.constraints().ifPresent(constraints -> node.put("constraints", constraints));
            if (!task.files().isEmpty()) {
                task.files().forEach(node.putArray("files")::add);
            }
        }
        try {
            return yaml.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan could not be written as YAML", e);
        }
    }
}
