package dev.kleiber.config;

import dev.kleiber.config.KleiberConfig.Store;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigParserTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @Test
    void theFileInitWritesMeansExactlyTheDefaults() {
        assertThat(parser.parse(ProjectInitializer.template("kleiber.yaml"), "kleiber.yaml"))
                .isEqualTo(KleiberConfig.defaults());
    }

    @Test
    void defaultsFollowTheBlueprint() {
        KleiberConfig defaults = KleiberConfig.defaults();
        assertThat(defaults.budget().dailyUsd()).isEqualByComparingTo("50");
        assertThat(defaults.validate().coverageMinPercent()).isEqualTo(80);
        assertThat(defaults.validate().mainEvery()).contains(Duration.ofMinutes(30));
    }

    @Test
    void readsEverySetting() {
        KleiberConfig config = parser.parse("""
                models:
                  haiku: claude-haiku-4-5
                prices:
                  claude-haiku-4-5: {input: 1, output: 5}
                budget:
                  daily_usd: 20.50
                  time_zone: Europe/Berlin
                  per_task_usd: 2
                  webhook: https://hooks.example.com/kleiber
                concurrency:
                  workers: 6
                store: postgresql://kleiber:secret@db:5432/kleiber
                sandbox: none
                agent: {max_turns: 10}
                validate:
                  commands:
                    - {name: test, run: npm test, timeout: 10m}
                    - {name: types, run: "tsc --noEmit --strict"}
                  coverage_min: 90
                """, "kleiber.yaml");

        assertThat(config.modelFor(Tier.HAIKU)).isEqualTo("claude-haiku-4-5");
        assertThat(config.modelFor(Tier.OPUS)).isEqualTo("claude-opus-5-5");
        KleiberConfig.Price price = config.prices().get("claude-haiku-4-5");
        assertThat(price.cacheWrite5m()).isEqualByComparingTo("1.25");
        assertThat(price.cacheRead()).isEqualByComparingTo("0.1");
        assertThat(config.budget().dailyUsd()).isEqualByComparingTo(new BigDecimal("20.50"));
        assertThat(config.budget().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(config.budget().perTaskUsd()).contains(new BigDecimal("2"));
        assertThat(config.budget().webhook()).contains(URI.create("https://hooks.example.com/kleiber"));
        assertThat(config.workers()).isEqualTo(6);
        assertThat(config.store()).isEqualTo(new Store.Postgresql("postgresql://kleiber:secret@db:5432/kleiber"));
        assertThat(config.store().toString()).doesNotContain("secret");
        assertThat(config.sandbox()).isEqualTo(KleiberConfig.Sandbox.NONE);
        assertThat(config.agent().maxTurns()).isEqualTo(10);
        assertThat(config.validate().commands()).extracting(KleiberConfig.ValidateCommand::timeout)
                .containsExactly(Duration.ofMinutes(10), KleiberConfig.DEFAULT_COMMAND_TIMEOUT);
        assertThat(config.validate().coverageMinPercent()).isEqualTo(90);
    }

    @Test
    void aTierMayNameLatestOrAModelPricedInTheFile() {
        KleiberConfig config = parser.parse("""
                models:
                  opus: latest
                  sonnet: house-model-1
                prices:
                  house-model-1: {input: 1, output: 2}
                """, "kleiber.yaml");

        assertThat(config.modelFor(Tier.OPUS)).isEqualTo("latest");
        assertThat(config.modelFor(Tier.SONNET)).isEqualTo("house-model-1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown top key        | version: 1\\nbudgets: {}                          | kleiber.yaml line 2: unknown key 'budgets'; expected one of
            unknown tier           | models:\\n  gpt4: x                             | kleiber.yaml line 2: unknown key 'gpt4'; expected one of haiku, opus, sonnet
            bad model id           | models:\\n  opus: 'claude opus'                 | kleiber.yaml line 2: 'models.opus' must be a model id
            retired model          | models:\\n  haiku: claude-3-haiku-20240307    | kleiber.yaml line 2: 'models.haiku' is claude-3-haiku-20240307, which Anthropic has retired (retired 2026-04-20): every call to it fails. Pick a current model: `kleiber models`
            unpriced model         | models:\\n  opus: claude-opus-9               | kleiber.yaml line 2: 'models.opus' is claude-opus-9, which has no known price, so Kleiber would refuse every call to it
            negative budget        | budget:\\n  daily_usd: -5                       | kleiber.yaml line 2: 'daily_usd' must be a positive amount of USD; found -5
            words for budget       | budget:\\n  daily_usd: fifty                    | kleiber.yaml line 2: 'daily_usd' must be a number; found 'fifty'
            bad zone               | budget:\\n  time_zone: Mars/Olympus             | kleiber.yaml line 2: 'time_zone' must be a time zone such as UTC or Europe/Berlin; found 'Mars/Olympus'
            bad webhook            | budget:\\n  webhook: ftp://x                    | kleiber.yaml line 2: 'webhook' must be an http:// or https:// URL; found 'ftp://x'
            zero workers           | concurrency:\\n  workers: 0                     | kleiber.yaml line 2: 'workers' must be between 1 and 64; found 0
            bad store              | store: mysql://u:pw@h/db                        | kleiber.yaml line 1: 'store' must be sqlite or a postgresql://
            bad sandbox            | sandbox: docker                                 | kleiber.yaml line 1: 'sandbox' must be bwrap or none; found 'docker'
            price without output   | prices:\\n  m1:\\n    input: 1                  | kleiber.yaml line 3: 'prices.m1' needs 'input' and 'output'
            negative price         | prices:\\n  m1: {input: -1, output: 2}          | kleiber.yaml line 2: 'prices.m1.input' cannot be negative
            command without run    | validate:\\n  commands:\\n    - {name: test}    | kleiber.yaml line 3: 'run' is required
            duplicate command      | validate:\\n  commands:\\n    - {name: t, run: a}\\n    - {name: t, run: b} | kleiber.yaml line 4: validate command name 't' is used twice
            bad timeout            | validate:\\n  commands:\\n    - {name: t, run: a, timeout: soon} | kleiber.yaml line 3: 'timeout' must be a positive number of seconds
            coverage over 100      | validate:\\n  coverage_min: 120                 | kleiber.yaml line 2: 'coverage_min' must be between 0 and 100; found 120
            main_every bare number | validate:\\n  main_every: 30                  | kleiber.yaml line 2: 'main_every' must be a duration with a unit (30m, 1h, 90s), or 0 or off to never validate main during a run; found '30'
            main_every words       | validate:\\n  commands: []\\n  main_every: often | kleiber.yaml line 3: 'main_every' must be a duration with a unit (30m, 1h, 90s), or 0 or off to never validate main during a run; found 'often'
            main_every zero unit   | validate:\\n  main_every: 0m                  | kleiber.yaml line 2: 'main_every' must be a duration with a unit
            main_every negative    | validate:\\n  main_every: -5m                 | kleiber.yaml line 2: 'main_every' must be a duration with a unit
            main_every over a day  | validate:\\n  main_every: 25h                 | kleiber.yaml line 2: 'main_every' must be at most 24h; found '25h'
            old every_minutes      | validate:\\n  every_minutes: 30               | kleiber.yaml line 2: unknown key 'every_minutes'; expected one of commands, coverage_min, main_every
            wrong version          | version: 2                                      | kleiber.yaml line 1: 'version' must be 1; found 2
            budget not a mapping   | budget: 50                                      | kleiber.yaml line 1: 'budget' must be a mapping of keys to values; found '50'
            duplicate key          | sandbox: bwrap\\nsandbox: none                  | kleiber.yaml line 2: duplicate key 'sandbox' (first at line 1)
            """)
    void everyErrorNamesTheLineAndWhatWasExpected(String name, String yaml, String message) {
        assertThatThrownBy(() -> parser.parse(yaml.replace("\\n", "\n"), "kleiber.yaml"))
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "main_every: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            30m  | PT30M
            1h   | PT1H
            90s  | PT1M30S
            2 m  | PT2M
            45M  | PT45M
            """)
    void mainEveryTakesADurationWithAUnit(String text, String expected) {
        assertThat(parser.parse("validate:\n  main_every: " + text, "kleiber.yaml").validate().mainEvery())
                .contains(Duration.parse(expected));
    }

    @ParameterizedTest(name = "main_every: {0}")
    @CsvSource({"off", "OFF", "0", "'\"off\"'"})
    void mainEveryOffOrZeroSwitchesTheWatchOff(String text) {
        assertThat(parser.parse("validate:\n  main_every: " + text, "kleiber.yaml").validate().mainEvery()).isEmpty();
    }

    @Test
    void aPasswordInABadStoreUrlIsNotRepeated() {
        assertThatThrownBy(() -> parser.parse("store: mysql://user:hunter2@h/db", "kleiber.yaml"))
                .hasMessageNotContaining("hunter2");
    }
}
