package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every number of kleiber.yaml is range-checked when the file is read, naming the line, the field and the range. */
class ConfigRangesTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            astronomic budget      | budget:\\n  daily_usd: 1e400                       | kleiber.yaml line 2: 'daily_usd' must be at most 1000000 USD; found 1E+400
            budget over a million  | budget:\\n  daily_usd: 1000000.01                  | kleiber.yaml line 2: 'daily_usd' must be at most 1000000 USD; found 1000000.01
            NaN budget             | budget:\\n  daily_usd: NaN                         | kleiber.yaml line 2: 'daily_usd' must be a number; found 'NaN'
            YAML infinity          | budget:\\n  daily_usd: .inf                        | kleiber.yaml line 2: 'daily_usd' must be a number; found '.inf'
            negative run cap       | budget:\\n  per_run_usd: -3                        | kleiber.yaml line 2: 'per_run_usd' must be a positive amount of USD; found -3
            tiny task cap          | budget:\\n  per_task_usd: 1e-400                   | kleiber.yaml line 2: 'per_task_usd' must have at most 6 decimals; found 1E-400
            huge task cap          | budget:\\n  per_task_usd: 9e18                     | kleiber.yaml line 2: 'per_task_usd' must be at most 1000000 USD; found 9000000000000000000
            astronomic price       | prices:\\n  m1: {input: 1e400, output: 2}          | kleiber.yaml line 2: 'prices.m1.input' must be at most 10000 USD per million tokens; found 1E+400
            NaN price              | prices:\\n  m1: {input: 1, output: NaN}            | kleiber.yaml line 2: 'prices.m1.output' must be a number; found 'NaN'
            negative cache price   | prices:\\n  m1: {input: 1, output: 2, cache_read: -0.1} | kleiber.yaml line 2: 'prices.m1.cache_read' cannot be negative; found -0.1
            century timeout        | validate:\\n  commands:\\n    - {name: t, run: a, timeout: 999999999h} | kleiber.yaml line 3: 'timeout' must be at most 24h; found '999999999h'
            day and a second       | validate:\\n  commands:\\n    - {name: t, run: a, timeout: 86401} | kleiber.yaml line 3: 'timeout' must be at most 24h; found '86401'
            absurd workers         | concurrency:\\n  workers: 100000                   | kleiber.yaml line 2: 'workers' must be between 1 and 64; found 100000
            negative workers       | concurrency:\\n  workers: -2                       | kleiber.yaml line 2: 'workers' must be between 1 and 64; found -2
            overflowing turns      | agent:\\n  max_turns: 99999999999999999999         | kleiber.yaml line 2: 'max_turns' must be a whole number; found '99999999999999999999'
            negative output limit  | agent:\\n  max_output_tokens: -1                   | kleiber.yaml line 2: 'max_output_tokens' must be between 1 and 128000; found -1
            fractional coverage    | validate:\\n  coverage_min: 80.5                   | kleiber.yaml line 2: 'coverage_min' must be a whole number; found '80.5'
            tiny compaction point  | agent:\\n  compact_at_tokens: 500                | kleiber.yaml line 2: 'compact_at_tokens' must be between 10000 and 2000000; found 500
            """)
    void anAbsurdNumberIsRefusedWithItsLineFieldAndRange(String name, String yaml, String message) {
        assertThatThrownBy(() -> parser.parse(yaml.replace("\\n", "\n"), "kleiber.yaml"))
                .isInstanceOfSatisfying(KleiberException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage(message);
    }

    @Test
    void theLargestValuesInRangeAreAccepted() {
        KleiberConfig config = parser.parse("""
                budget: {daily_usd: 1000000, per_run_usd: 0.000001, per_task_usd: "$1_000"}
                prices:
                  m1: {input: 10000, output: 0}
                validate:
                  commands:
                    - {name: t, run: a, timeout: 24h}
                """, "kleiber.yaml");

        assertThat(config.budget().dailyUsd()).isEqualByComparingTo("1000000");
        assertThat(config.budget().perRunUsd()).contains(new BigDecimal("0.000001"));
        assertThat(config.budget().perTaskUsd()).contains(new BigDecimal("1000"));
        assertThat(config.prices().get("m1").input()).isEqualByComparingTo("10000");
        assertThat(config.validate().commands().getFirst().timeout()).isEqualTo(Duration.ofHours(24));
    }
}
