package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code limits:} key: how many files and bytes one task may commit. */
class ChangeLimitsSectionTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @Test
    void withoutTheKeyTheDefaultsApply() {
        assertThat(parser.parse("version: 1\n", "kleiber.yaml").changeLimits())
                .isEqualTo(new ChangeLimits(500, 20L * 1024 * 1024));
    }

    @Test
    void eachLimitCanBeSetWithOrWithoutAUnit() {
        assertThat(parser.parse("limits: {commit_files: 50, commit_bytes: 2MiB}\n", "kleiber.yaml").changeLimits())
                .isEqualTo(new ChangeLimits(50, 2L * 1024 * 1024));
        assertThat(parser.parse("limits:\n  commit_bytes: 4096\n", "kleiber.yaml").changeLimits())
                .isEqualTo(new ChangeLimits(500, 4096));
        assertThat(parser.parse("limits: {commit_bytes: 1g}\n", "kleiber.yaml").changeLimits().commitBytes())
                .isEqualTo(1L << 30);
    }

    @Test
    void badValuesNameTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> parser.parse("version: 1\nlimits:\n  commit_files: 0\n", "kleiber.yaml"))
                .isInstanceOf(KleiberException.class).hasMessageContaining("kleiber.yaml line 3")
                .hasMessageContaining("'limits.commit_files' must be between 1 and 100000; found 0");
        assertThatThrownBy(() -> parser.parse("limits:\n  commit_bytes: lots\n", "kleiber.yaml"))
                .hasMessageContaining("kleiber.yaml line 2").hasMessageContaining("such as 20MiB; found 'lots'");
        assertThatThrownBy(() -> parser.parse("limits:\n  commit_bytes: 11GiB\n", "kleiber.yaml"))
                .hasMessageContaining("between 1KiB and 10GiB");
        assertThatThrownBy(() -> parser.parse("limits:\n  commit_lines: 5\n", "kleiber.yaml"))
                .hasMessageContaining("commit_lines");
    }
}
