package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.validate.LintSettings;
import dev.kleiber.validate.Rule;
import dev.kleiber.validate.Severity;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayoutSettingsParserTest {
    private static KleiberConfig parse(String text) {
        return new ConfigParser(new SafeYaml()).parse(text, "kleiber.yaml");
    }

    @Test
    void withoutTheSectionsTheBlueprintLayoutApplies() {
        LayoutSettings layout = parse("version: 1\n").layout();
        assertThat(layout.mainBranch()).isEqualTo("main");
        assertThat(layout.write()).isEmpty();
        assertThat(layout.lint()).isEqualTo(LintSettings.defaults());
    }

    @Test
    void mainBranchWriteGlobsRootsExcludesAndSeveritiesAreRead() {
        LayoutSettings layout = parse("""
                layout:
                  main_branch: master
                  write:
                    engineer-backend: ["src/app/**", "prisma/**"]
                lint:
                  components: ["packages/*/src/ui/**"]
                  endpoints: ["src/app/routes/**"]
                  integration_tests: ["test/**"]
                  exclude: ["src/legacy/**"]
                  rules: {sql-index: warn, gate-story: off}
                """).layout();
        assertThat(layout.mainBranch()).isEqualTo("master");
        assertThat(layout.writeOf("engineer-backend")).contains(List.of("src/app/**", "prisma/**"));
        assertThat(layout.writeOf("engineer-frontend")).isEmpty();
        LintSettings lint = layout.lint();
        assertThat(lint.components()).extracting(Object::toString).containsExactly("packages/*/src/ui/**");
        assertThat(lint.endpoints()).extracting(Object::toString).containsExactly("src/app/routes/**");
        assertThat(lint.utilities()).isEqualTo(LintSettings.defaults().utilities());
        assertThat(lint.exclude()).extracting(Object::toString)
                .containsAll(LintSettings.DEFAULT_EXCLUDES).contains("src/legacy/**");
        assertThat(lint.severity(Rule.SQL_INDEX)).isEqualTo(Severity.WARN);
        assertThat(lint.severity(Rule.GATE_STORY)).isEqualTo(Severity.OFF);
        assertThat(lint.severity(Rule.SQL_TABLE)).isEqualTo(Severity.ERROR);
    }

    @Test
    void defaultExcludesCanBeDropped() {
        LintSettings lint = parse("lint:\n  default_excludes: false\n  exclude: [vendor/**]\n").layout().lint();
        assertThat(lint.exclude()).extracting(Object::toString).containsExactly("vendor/**");
    }

    @Test
    void badValuesNameTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> parse("layout:\n  main_branch: \"-x y\"\n")).isInstanceOf(KleiberException.class)
                .hasMessage("kleiber.yaml line 2: 'main_branch' must be a git branch name such as main or master; found '-x y'");
        assertThatThrownBy(() -> parse("lint:\n  rules:\n    sql-idx: off\n")).isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("kleiber.yaml line 3: 'lint.rules' has no rule 'sql-idx'; the rules are file-component,");
        assertThatThrownBy(() -> parse("lint:\n  rules:\n    sql-index: loud\n")).isInstanceOf(KleiberException.class)
                .hasMessage("kleiber.yaml line 3: 'lint.rules.sql-index' must be error, warn or off; found 'loud'");
        assertThatThrownBy(() -> parse("lint:\n  exclude: [\"../secret/**\"]\n")).isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("kleiber.yaml line 2: 'lint.exclude' holds globs relative to the repository");
        assertThatThrownBy(() -> parse("layout:\n  write:\n    Backend: [src/**]\n")).isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("kleiber.yaml line 3: 'layout.write' names roles");
        assertThatThrownBy(() -> parse("lint:\n  roots: [src/**]\n")).isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("kleiber.yaml line 2: unknown key 'roots'; expected one of components,");
    }
}
