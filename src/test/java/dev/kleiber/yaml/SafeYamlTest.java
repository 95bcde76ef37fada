package dev.kleiber.yaml;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeYamlTest {
    private final SafeYaml yaml = new SafeYaml();

    @Test
    void readsNestedDataWithLineNumbers() {
        YamlNode.Mapping root = yaml.parse("""
                # comment
                budget:
                  daily_usd: 50
                models:
                  - opus
                  - sonnet
                """, "k.yaml").asMapping("root");

        YamlNode.Mapping budget = root.mapping("budget").orElseThrow();
        assertThat(budget.decimal("daily_usd")).contains(new BigDecimal("50"));
        assertThat(budget.require("daily_usd").line()).isEqualTo(3);
        assertThat(root.texts("models")).containsExactly("opus", "sonnet");
        assertThat(root.list("models").get(1).line()).isEqualTo(6);
    }

    @Test
    void refusesDuplicateKeysNamingBothLines() {
        assertThatThrownBy(() -> yaml.parse("a: 1\nb: 2\na: 3\n", "k.yaml"))
                .isInstanceOf(KleiberException.class)
                .hasMessage("k.yaml line 3: duplicate key 'a' (first at line 1)");
    }

    @Test
    void refusesAnchorsAliasesAndTags() {
        assertThatThrownBy(() -> yaml.parse("a: &x [1, 2]\nb: *x\n", "k.yaml"))
                .hasMessageMatching("k\\.yaml line [12]: (anchors|aliases).*not allowed");
        assertThatThrownBy(() -> yaml.parse("a: !!javax.script.ScriptEngineManager [x]\n", "k.yaml"))
                .hasMessageContaining("k.yaml line 1").hasMessageContaining("tags");
    }

    @Test
    void refusesOversizeAndDeepDocuments() {
        assertThatThrownBy(() -> yaml.parse("a: " + "x".repeat(SafeYaml.MAX_CHARS), "big.yaml"))
                .hasMessageContaining("big.yaml: too large");
        String deep = "[".repeat(SafeYaml.MAX_DEPTH + 5) + "]".repeat(SafeYaml.MAX_DEPTH + 5);
        assertThatThrownBy(() -> yaml.parse(deep, "deep.yaml")).hasMessageContaining("deep.yaml");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> yaml.parse("a: 1\nb: [1, 2\nc: 3\n", "k.yaml"))
                .hasMessageStartingWith("k.yaml line 3: not valid YAML: expected ',' or ']'")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> yaml.parse("a: 1\n  b: 2\n", "k.yaml"))
                .hasMessageStartingWith("k.yaml line 2: not valid YAML");
    }

    @Test
    void accessorsExplainWhatWasExpected() {
        YamlNode.Mapping root = yaml.parse("n: lots\nx: 1\n", "k.yaml").asMapping("root");

        assertThatThrownBy(() -> root.integer("n")).hasMessage("k.yaml line 1: 'n' must be a whole number; found 'lots'");
        assertThatThrownBy(() -> root.allowOnly(Set.of("n")))
                .hasMessage("k.yaml line 2: unknown key 'x'; expected one of n");
        assertThatThrownBy(() -> root.require("y")).hasMessage("k.yaml line 1: 'y' is required");
    }

    @Test
    void emptyDocumentIsAnEmptyMapping() {
        assertThat(yaml.parse("", "k.yaml")).isInstanceOf(YamlNode.Mapping.class);
        assertThat(yaml.parse("# only a comment\n", "k.yaml")).isInstanceOf(YamlNode.Mapping.class);
    }
}
