package dev.kleiber.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.routing.Roles;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The planner may declare a task's risk category; it survives the plan file a run records. */
class DeclaredRiskTest {
    private final ObjectMapper json = new ObjectMapper();
    private final SubmitPlanTool tool = new SubmitPlanTool(Set.copyOf(Roles.BLUEPRINT));

    @Test
    void theToolOffersRiskAndAPlanKeepsItThroughItsFile() throws IOException {
        assertThat(tool.inputSchema().toString()).contains("\"risk\"");
        Plan plan = tool.parse(json.readTree("""
                {"tasks": [
                  {"id": "menu", "title": "Account menu", "agent": "engineer-frontend",
                   "description": "Add the account menu.", "acceptance": ["the menu opens"], "depends_on": [],
                   "priority": "p1", "risk": "auth"}
                ]}"""));

        assertThat(plan.tasks().getFirst().risk()).contains("auth");
        Plan again = new PlanFileParser(new SafeYaml(), Set.copyOf(Roles.BLUEPRINT))
                .parse(new PlanFileWriter().write(plan), "plan.yaml");
        assertThat(again.tasks().getFirst().risk()).contains("auth");
    }

    @Test
    void aRiskThatIsNotACategoryNameIsAProblemOfItsTask() {
        assertThatThrownBy(() -> tool.parse(json.readTree("""
                {"tasks": [
                  {"id": "menu", "title": "Account menu", "agent": "engineer-frontend",
                   "description": "Add the account menu.", "acceptance": ["the menu opens"], "depends_on": [],
                   "priority": "p1", "risk": "Very High!"}
                ]}""")))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("task 1 'menu'").hasMessageContaining("risk must be a category name")
                .hasMessageContaining("found 'Very High!'");
    }
}
