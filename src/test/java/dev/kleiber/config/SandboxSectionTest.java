package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code sandbox:} key: the mode alone, or a mapping with read folders and limits. */
class SandboxSectionTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @Test
    void theModeAloneKeepsTheDefaultPolicy() {
        KleiberConfig config = parser.parse("sandbox: none\n", "kleiber.yaml");
        assertThat(config.sandbox()).isEqualTo(KleiberConfig.Sandbox.NONE);
        assertThat(config.sandboxPolicy()).isEqualTo(SandboxPolicy.defaults());
        assertThat(parser.parse("version: 1\n", "kleiber.yaml").sandboxPolicy().limits())
                .isEqualTo(new SandboxPolicy.Limits(256, 2L << 30, 1L << 30, 512L << 20, Duration.ofMinutes(10)));
    }

    @Test
    void aMappingSetsReadFoldersAndEachLimit() {
        KleiberConfig config = parser.parse("""
                sandbox:
                  mode: bwrap
                  read: [~/.m2/repository, /opt/toolchains/node]
                  limits:
                    processes: 512
                    memory: 4GiB
                    file_size: 256MiB
                    tmp_size: 1G
                    cpu_time: 90s
                """, "kleiber.yaml");
        assertThat(config.sandbox()).isEqualTo(KleiberConfig.Sandbox.BWRAP);
        assertThat(config.sandboxPolicy().read()).containsExactly("~/.m2/repository", "/opt/toolchains/node");
        assertThat(config.sandboxPolicy().limits())
                .isEqualTo(new SandboxPolicy.Limits(512, 4L << 30, 256L << 20, 1L << 30, Duration.ofSeconds(90)));
        assertThat(parser.parse("sandbox:\n  limits: {memory: 3GiB}\n", "kleiber.yaml").sandboxPolicy().limits())
                .isEqualTo(SandboxPolicy.Limits.defaults().withMemoryBytes(3L << 30));
        assertThat(parser.parse("sandbox: {mode: none}\n", "kleiber.yaml").sandbox()).isEqualTo(KleiberConfig.Sandbox.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad mode          | sandbox: {mode: docker}                   | kleiber.yaml line 1: 'sandbox.mode' must be bwrap or none; found 'docker'
            unknown key       | sandbox: {write: [/]}                     | kleiber.yaml line 1: unknown key 'write'; expected one of limits, mode, read
            relative read     | sandbox: {read: [m2]}                     | kleiber.yaml line 1: 'sandbox.read' items must be absolute folders or ~/folder (not /, ~ or a path with ..), such as ~/.m2/repository; found 'm2'
            whole home        | sandbox: {read: [~/]}                     | found '~/'
            root              | sandbox: {read: [/]}                      | found '/'
            dot-dot           | sandbox: {read: [~/x/../..]}              | found '~/x/../..'
            few processes     | sandbox: {limits: {processes: 2}}         | kleiber.yaml line 1: 'sandbox.limits.processes' must be between 8 and 65536; found 2
            memory no unit    | sandbox: {limits: {memory: 2048}}         | kleiber.yaml line 1: 'sandbox.limits.memory' must be a size with a unit between 64 MiB and 1024 GiB (512MiB, 2GiB); found '2048'
            tiny tmp          | sandbox: {limits: {tmp_size: 10k}}        | 'sandbox.limits.tmp_size' must be a size with a unit between 1 MiB and 64 GiB
            huge file size    | sandbox: {limits: {file_size: 99999999T}} | 'sandbox.limits.file_size' must be a size with a unit between 1 MiB and 1024 GiB
            cpu no unit       | sandbox: {limits: {cpu_time: 90}}         | kleiber.yaml line 1: 'sandbox.limits.cpu_time' must be a duration with a unit between 1s and 24h (90s, 10m, 1h); found '90'
            cpu too long      | sandbox: {limits: {cpu_time: 25h}}        | found '25h'
            """)
    void badSettingsNameTheLineAndWhatWasExpected(String what, String yaml, String message) {
        assertThatThrownBy(() -> parser.parse(yaml + "\n", "kleiber.yaml")).isInstanceOf(KleiberException.class)
                .hasMessageContaining(message);
    }

    @Test
    void sizesAreShownInTheLargestWholeUnit() {
        assertThat(List.of(2L << 30, 512L << 20, 3072L, 1000L).stream().map(SandboxPolicy.Limits::size))
                .containsExactly("2 GiB", "512 MiB", "3 KiB", "1000 bytes");
    }
}
