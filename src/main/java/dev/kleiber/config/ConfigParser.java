package dev.kleiber.config;

import dev.kleiber.config.KleiberConfig.AgentLimits;
import dev.kleiber.config.KleiberConfig.Budget;
import dev.kleiber.config.KleiberConfig.Price;
import dev.kleiber.config.KleiberConfig.Store;
import dev.kleiber.config.KleiberConfig.Validate;
import dev.kleiber.config.KleiberConfig.ValidateCommand;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the text of {@code kleiber.yaml} into a {@link KleiberConfig}; every error names the line. Pure. */
final class ConfigParser {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h)?");
    private static final Duration MAX_MAIN_EVERY = Duration.ofHours(24);
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");

    private final SafeYaml yaml;

    public ConfigParser(SafeYaml yaml) {
        this.yaml = yaml;
    }

    public KleiberConfig parse(String text, String source) {
        KleiberConfig defaults = KleiberConfig.defaults();
        Mapping root = yaml.parse(text, source).asMapping("kleiber.yaml")
                .allowOnly(Set.of("version", "models", "prices", "budget", "concurrency", "store", "sandbox",
                        "agent", "validate", "layout", "lint", "review", "routing", "limits", "server", "runner",
                        "logging", "requires"));
        root.integer("version").ifPresent(version -> {
            if (version != 1) {
                throw root.require("version").error("'version' must be 1; found " + version);
            }
        });
        SandboxSection sandbox = root.get("sandbox").map(SandboxSection::parse)
                .orElse(new SandboxSection(defaults.sandbox(), defaults.sandboxPolicy()));
        KleiberConfig config = new KleiberConfig(
                root.mapping("models").map(ConfigParser::models).orElse(defaults.models()),
                root.mapping("prices").map(ConfigParser::prices).orElse(defaults.prices()),
                root.mapping("budget").map(b -> budget(b, defaults.budget())).orElse(defaults.budget()),
                root.mapping("concurrency").map(c -> workers(c, defaults.workers())).orElse(defaults.workers()),
                root.get("store").map(ConfigParser::store).orElse(defaults.store()),
                sandbox.mode(),
                root.mapping("agent").map(a -> agentLimits(a, defaults.agent())).orElse(defaults.agent()),
                root.mapping("validate").map(v -> validate(v, defaults.validate())).orElse(defaults.validate()),
                LayoutSettingsParser.parse(root),
                RoutingSettingsParser.parse(root),
                sandbox.policy(),
                ChangeLimitsSection.parse(root),
                ServerSettingsParser.parse(root),
                RunnerSettingsParser.parse(root),
                LoggingSection.parse(root),
                RequirementsParser.parse(root));
        TierModelCheck.check(config, root.mapping("models"), source);
        return config;
    }

    private static Map<Tier, String> models(Mapping models) {
        models.allowOnly(Set.of("opus", "sonnet", "haiku"));
        Map<Tier, String> result = new EnumMap<>(KleiberConfig.defaults().models());
        for (Tier tier : Tier.values()) {
            models.get(tier.id()).ifPresent(node -> result.put(tier, modelId(node, "models." + tier.id())));
        }
        return result;
    }

    private static String modelId(YamlNode node, String what) {
        String id = node.asText(what).strip();
        if (!MODEL_ID.matcher(id).matches()) {
            throw node.error("'" + what + "' must be a model id such as claude-sonnet-4-5; found '" + id + "'");
        }
        return id;
    }

    private static Map<String, Price> prices(Mapping prices) {
        Map<String, Price> result = new LinkedHashMap<>();
        for (var entry : prices.entries().entrySet()) {
            String model = modelId(new YamlNode.Scalar(entry.getValue().source(), entry.getValue().line(),
                    Optional.of(entry.getKey())), "prices");
            Mapping price = entry.getValue().asMapping("prices." + model)
                    .allowOnly(Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read"));
            BigDecimal input = money(price, "input", "prices." + model).orElseThrow(() -> price.error(
                    "'prices." + model + "' needs 'input' and 'output' (USD per million tokens)"));
            BigDecimal output = money(price, "output", "prices." + model).orElseThrow(() -> price.error(
                    "'prices." + model + "' needs 'input' and 'output' (USD per million tokens)"));
            // Anthropic's cache multipliers when a price leaves them out: 1.25x, 2x and 0.1x the input price.
            result.put(model, new Price(input, output,
                    money(price, "cache_write_5m", "prices." + model).orElse(input.multiply(new BigDecimal("1.25"))),
                    money(price, "cache_write_1h", "prices." + model).orElse(input.multiply(new BigDecimal("2"))),
                    money(price, "cache_read", "prices." + model).orElse(input.multiply(new BigDecimal("0.1")))));
        }
        return result;
    }

    private static Optional<BigDecimal> money(Mapping mapping, String key, String context) {
        return mapping.get(key).map(node -> ConfigRanges.priceUsd(node, context + "." + key));
    }

    private static Budget budget(Mapping budget, Budget defaults) {
        budget.allowOnly(Set.of("daily_usd", "time_zone", "per_run_usd", "per_task_usd", "webhook"));
        return new Budget(
                positive(budget, "daily_usd").orElse(defaults.dailyUsd()),
                budget.get("time_zone").map(ConfigParser::zone).orElse(defaults.timeZone()),
                positive(budget, "per_run_usd").or(defaults::perRunUsd),
                positive(budget, "per_task_usd").or(defaults::perTaskUsd),
                budget.get("webhook").map(ConfigParser::webhook).or(defaults::webhook));
    }

    private static Optional<BigDecimal> positive(Mapping mapping, String key) {
        return mapping.get(key).map(node -> ConfigRanges.limitUsd(node, key));
    }

    private static ZoneId zone(YamlNode node) {
        String text = node.asText("time_zone");
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw node.error("'time_zone' must be a time zone such as UTC or Europe/Berlin; found '" + text + "'");
        }
    }

    private static URI webhook(YamlNode node) {
        String text = node.asText("webhook");
        try {
            URI uri = new URI(text);
            String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the expected form
        }
        throw node.error("'webhook' must be an http:// or https:// URL; found '" + text + "'");
    }

    private static int workers(Mapping concurrency, int defaultWorkers) {
        concurrency.allowOnly(Set.of("workers"));
        return concurrency.get("workers").map(node -> intIn(node, "workers", 1, 64)).orElse(defaultWorkers);
    }

    private static int intIn(YamlNode node, String what, long min, long max) {
        long value = node.asInteger(what);
        if (value < min || value > max) {
            throw node.error("'" + what + "' must be between " + min + " and " + max + "; found " + value);
        }
        return (int) value;
    }

    private static Store store(YamlNode node) {
        String text = node.asText("store").strip();
        if (text.equals("sqlite")) {
            return new Store.Sqlite();
        }
        if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
            return new Store.Postgresql(text);
        }
        throw node.error("'store' must be sqlite or a postgresql://user:password@host:5432/database URL; found '"
                + new Store.Postgresql(text).redactedUrl() + "'");
    }

    private static AgentLimits agentLimits(Mapping agent, AgentLimits defaults) {
        agent.allowOnly(Set.of("max_turns", "max_output_tokens", "compact_at_tokens"));
        return new AgentLimits(
                agent.get("max_turns").map(n -> intIn(n, "max_turns", 1, 1000)).orElse(defaults.maxTurns()),
                agent.get("max_output_tokens").map(n -> intIn(n, "max_output_tokens", 1, 128_000))
                        .orElse(defaults.maxOutputTokens()),
                agent.get("compact_at_tokens").map(n -> intIn(n, "compact_at_tokens", 10_000, 2_000_000))
                        .orElse(defaults.compactAtTokens()));
    }

    private static Validate validate(Mapping validate, Validate defaults) {
        validate.allowOnly(Set.of("commands", "coverage_min", "main_every"));
        List<ValidateCommand> commands = validate.get("commands").isPresent()
                ? commands(validate.list("commands")) : defaults.commands();
        return new Validate(commands,
                validate.get("coverage_min").map(n -> intIn(n, "coverage_min", 0, 100))
                        .orElse(defaults.coverageMinPercent()),
                validate.get("main_every").map(ConfigParser::mainEvery).orElse(defaults.mainEvery()));
    }

    private static List<ValidateCommand> commands(List<YamlNode> items) {
        Set<String> names = new HashSet<>();
        return items.stream().map(item -> {
            Mapping command = item.asMapping("validate.commands item").allowOnly(Set.of("name", "run", "timeout"));
            String name = command.requireText("name").strip();
            String run = command.requireText("run").strip();
            if (name.isEmpty() || run.isEmpty()) {
                throw command.error("a validate command needs a non-empty 'name' and 'run'");
            }
            if (!names.add(name)) {
                throw command.require("name").error("validate command name '" + name + "' is used twice");
            }
            Duration timeout = command.get("timeout").map(ConfigParser::duration)
                    .orElse(KleiberConfig.DEFAULT_COMMAND_TIMEOUT);
            return new ValidateCommand(name, run, timeout);
        }).toList();
    }

    /**
     * {@code 30m}, {@code 1h}, {@code 90s}, or {@code 0}/{@code off} for never. A bare number other than 0 is
     * refused: seconds (as for a timeout) or minutes would both be a plausible reading.
     */
    private static Optional<Duration> mainEvery(YamlNode node) {
        String text = node.asText("main_every").strip().toLowerCase(Locale.ROOT);
        if (text.equals("off") || text.equals("0")) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches() || m.group(2) == null || Long.parseLong(m.group(1)) == 0) {
            throw node.error("'main_every' must be a duration with a unit (30m, 1h, 90s), or 0 or off to never "
                    + "validate main during a run; found '" + node.asText("main_every").strip() + "'");
        }
        Duration every = unit(Long.parseLong(m.group(1)), m.group(2));
        if (every.compareTo(MAX_MAIN_EVERY) > 0) {
            throw node.error("'main_every' must be at most 24h; found '" + node.asText("main_every").strip() + "'");
        }
        return Optional.of(every);
    }

    private static Duration unit(long amount, String unit) {
        return switch (unit) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    private static Duration duration(YamlNode node) {
        String text = node.asText("timeout").strip();
        Matcher m = DURATION.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw node.error("'timeout' must be a positive number of seconds, or a number with s, m or h "
                    + "(600, 90s, 10m); found '" + text + "'");
        }
        return ConfigRanges.atMost(node, "timeout", unit(Long.parseLong(m.group(1)),
                Optional.ofNullable(m.group(2)).orElse("s")), ConfigRanges.MAX_TIMEOUT, text);
    }
}
