package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Learning;
import dev.kleiber.routing.SensitivePaths;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingSettingsParserTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @Test
    void withoutTheSectionsTheDefaultsApply() {
        RoutingSettings settings = parser.parse("version: 1\n", "kleiber.yaml").routing();

        assertThat(settings).isEqualTo(RoutingSettings.DEFAULTS);
        assertThat(settings.sensitivePaths().categories()).containsKeys("auth", "payments", "crypto", "secrets");
        assertThat(settings.learning().enabled()).isTrue();
    }

    @Test
    void aNamedCategoryReplacesItsDefaultAndANewOneIsAdded() {
        RoutingSettings settings = parser.parse("""
                review:
                  sensitive_paths:
                    auth: ["app/security/**", "**/*permission*"]
                    medical: [app/records/**]
                    crypto: []
                routing:
                  learning: off
                  learning_window: 8
                  learning_threshold: 0.7
                """, "kleiber.yaml").routing();

        SensitivePaths paths = settings.sensitivePaths();
        assertThat(paths.categories().get("auth")).containsExactly("app/security/**", "**/*permission*");
        assertThat(paths.categories().get("medical")).containsExactly("app/records/**");
        assertThat(paths.categories().get("crypto")).isEmpty();
        assertThat(paths.categories().get("payments")).isEqualTo(SensitivePaths.DEFAULTS.categories().get("payments"));
        assertThat(paths.match("app/records/patient.rb")).map(SensitivePaths.Match::category).contains("medical");
        assertThat(settings.learning()).isEqualTo(new Learning(false, 8, 0.7));
    }

    @Test
    void errorsNameTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> parser.parse("""
                review:
                  sensitive_paths:
                    auth: ["src/[auth/**"]
                """, "kleiber.yaml"))
                .isInstanceOf(KleiberException.class)
                .hasMessageContaining("kleiber.yaml line 3").hasMessageContaining("review.sensitive_paths.auth")
                .hasMessageContaining("expected a path glob like 'src/auth/**'");
        assertThatThrownBy(() -> parser.parse("review:\n  sensitive_paths:\n    Auth Code: [x]\n", "kleiber.yaml"))
                .hasMessageContaining("line 3").hasMessageContaining("lower-case name");
        assertThatThrownBy(() -> parser.parse("routing:\n  learning: maybe\n", "kleiber.yaml"))
                .hasMessageContaining("line 2").hasMessageContaining("must be on or off");
        assertThatThrownBy(() -> parser.parse("routing:\n  learning_threshold: 1.5\n", "kleiber.yaml"))
                .hasMessageContaining("line 2").hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> parser.parse("review:\n  paths: []\n", "kleiber.yaml"))
                .hasMessageContaining("paths");
    }
}
