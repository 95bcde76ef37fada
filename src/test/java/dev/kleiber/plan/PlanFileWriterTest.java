package dev.kleiber.plan;

import dev.kleiber.protocol.Priority;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlanFileWriterTest {
    private final PlanFileParser parser = new PlanFileParser(new SafeYaml(), Set.copyOf(Roles.BLUEPRINT));
    private final PlanFileWriter writer = new PlanFileWriter();

    @Test
    void theExamplePlanReadsBackEqual() throws Exception {
        Plan plan = parser.parse(Files.readString(Path.of("examples/plan.yaml")), "examples/plan.yaml");

        assertThat(parser.parse(writer.write(plan), "written.yaml")).isEqualTo(plan);
    }

    @Property(tries = 200)
    void anyPlanReadsBackEqual(@ForAll("plans") Plan plan) {
        assertThat(parser.parse(writer.write(plan), "written.yaml")).isEqualTo(plan);
    }

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<String> line = Arbitraries.strings().withChars("abcXYZ 0123:#'\"-*&!%@`[]{}|>,?ünï")
                .ofMinLength(1).ofMaxLength(30).map(String::strip).filter(s -> !s.isEmpty());
        Arbitrary<String> text = line.list().ofMinSize(1).ofMaxSize(4).map(lines -> String.join("\n", lines));
        Arbitrary<PlannedTask> task = Combinators.combine(line, Arbitraries.of(Roles.BLUEPRINT), text,
                line.list().ofMinSize(1).ofMaxSize(3), text.optional(), text.optional(),
                Arbitraries.of(Priority.values()), Arbitraries.of(Tier.values()).optional())
                .as((title, agent, description, acceptance, context, constraints, priority, model) ->
                        new PlannedTask("t", title, agent, description, acceptance, context, constraints, List.of(),
                                priority, List.of("src/x.js"), model));
        return task.list().ofMinSize(1).ofMaxSize(4).map(tasks -> {
            List<PlannedTask> numbered = new java.util.ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                PlannedTask t = tasks.get(i);
                numbered.add(new PlannedTask("task-" + i, t.title(), t.agent(), t.description(), t.acceptance(),
                        t.context(), t.constraints(), i == 0 ? List.of() : List.of("task-" + (i - 1)), t.priority(),
                        t.files(), t.model()));
            }
            return new Plan(numbered);
        });
    }
}
