package dev.kleiber.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A protocol document as JSON, with lowerCamelCase keys named after the blueprint's labels. Pure. */
public final class ProtocolJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ProtocolJson() {
    }

    public static ObjectNode toJson(ProtocolDocument document) {
        ObjectNode node = JSON.objectNode();
        node.put("kind", document.kind().id());
        node.put("taskId", document.id());
        node.put("agent", document.agent());
        switch (document) {
            case TaskFile task -> {
                node.put("model", task.model().id());
                node.put("priority", task.priority().id());
                node.put("created", Timestamps.format(task.created()));
                node.put("description", task.description());
                node.set("acceptanceCriteria", checks(task.acceptanceCriteria()));
                node.put("context", task.context());
                node.put("constraints", task.constraints());
            }
            case StartedFile started -> {
                node.put("started", Timestamps.format(started.started()));
                node.put("estimated", started.estimated());
                node.put("approach", started.approach());
                node.set("filesToTouch", strings(started.filesToTouch()));
            }
            case CompleteFile complete -> {
                node.put("completed", Timestamps.format(complete.completed()));
                node.put("modelUsed", complete.modelUsed().id());
                ObjectNode tokens = node.putObject("tokens");
                tokens.put("input", complete.tokens().input());
                tokens.put("output", complete.tokens().output());
                node.put("summary", complete.summary());
                ArrayNode changes = node.putArray("filesChanged");
                complete.filesChanged().forEach(c -> changes.addObject().put("path", c.path()).put("change", c.change().id()));
                node.set("testsAdded", strings(complete.testsAdded()));
                node.set("decisions", strings(complete.decisions()));
                node.set("readyForReview", checks(complete.readyForReview()));
            }
            case BlockedFile blocked -> {
                node.put("blockedSince", Timestamps.format(blocked.blockedSince()));
                node.put("type", blocked.type().id());
                node.put("problem", blocked.problem());
                node.set("attemptedSolutions", strings(blocked.attemptedSolutions()));
                node.put("needFromConductor", blocked.needFromConductor());
            }
        }
        ArrayNode fields = node.putArray("extraFields");
        document.extraFields().forEach(f -> fields.addObject().put("name", f.name()).put("value", f.value()));
        ArrayNode sections = node.putArray("extraSections");
        document.extraSections().forEach(s -> sections.addObject().put("heading", s.heading()).put("body", s.body()));
        return node;
    }

    private static ArrayNode checks(List<CheckItem> items) {
        ArrayNode array = JSON.arrayNode();
        items.forEach(item -> array.addObject().put("text", item.text()).put("done", item.done()));
        return array;
    }

    private static ArrayNode strings(List<String> items) {
        ArrayNode array = JSON.arrayNode();
        items.forEach(array::add);
        return array;
    }
}
