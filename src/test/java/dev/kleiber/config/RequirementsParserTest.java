package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code requires:} key: the worker tags a role's or a task's work needs on a run over many machines. */
class RequirementsParserTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    private Requirements requires(String yaml) {
        return parser.parse(yaml, "kleiber.yaml").requires();
    }

    @Test
    void withoutTheKeyAnyWorkerMayClaimAnyTask() {
        assertThat(requires("version: 1\n")).isEqualTo(Requirements.NONE);
        assertThat(Requirements.NONE.of("build-ui", "engineer-frontend")).isEmpty();
    }

    @Test
    void aTaskNeedsItsRolesTagsAndItsOwn() {
        Requirements requires = requires("""
                requires:
                  roles: {engineer-frontend: [node20]}
                  tasks: {build-storybook: [chromium, node20]}
                """);

        assertThat(requires.roles()).isEqualTo(Map.of("engineer-frontend", Set.of("node20")));
        assertThat(requires.of("build-storybook", "engineer-frontend")).containsExactlyInAnyOrder("node20", "chromium");
        assertThat(requires.of("build-storybook", "engineer-backend")).containsExactlyInAnyOrder("node20", "chromium");
        assertThat(requires.of("price-label", "engineer-frontend")).containsExactly("node20");
        assertThat(requires.of("price-api", "engineer-backend")).isEmpty();
    }

    @Test
    void badTagsAndNamesAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> requires("version: 1\nrequires:\n  roles: {engineer-frontend: [Node 20]}\n"))
                .isInstanceOf(KleiberException.class).hasMessageContaining("kleiber.yaml line 3")
                .hasMessageContaining("'requires.roles.engineer-frontend' holds capability tags")
                .hasMessageContaining("found 'Node 20'");
        assertThatThrownBy(() -> requires("requires:\n  tasks: {Build_UI: [node20]}\n"))
                .hasMessageContaining("'requires.tasks' keys are task ids such as build-storybook; found 'Build_UI'");
        assertThatThrownBy(() -> requires("requires:\n  roles: {engineer-frontend: node20}\n"))
                .hasMessageContaining("requires.roles.engineer-frontend");
        assertThatThrownBy(() -> requires("requires:\n  hosts: {}\n")).hasMessageContaining("unknown key 'hosts'");
    }
}
