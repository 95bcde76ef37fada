package dev.kleiber.config;

import dev.kleiber.ledger.TierModels;
import dev.kleiber.routing.Tier;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The settings of {@code .kleiber/kleiber.yaml}, validated. {@link #defaults()} equals the file {@code kleiber init} writes. */
public record KleiberConfig(
        Map<Tier, String> models,
        Map<String, Price> prices,
        Budget budget,
        int workers,
        Store store,
        Sandbox sandbox,
        AgentLimits agent,
        Validate validate,
        LayoutSettings layout,
        RoutingSettings routing,
        SandboxPolicy sandboxPolicy,
        ChangeLimits changeLimits,
        ServerSettings server,
        RunnerSettings runners,
        LogSettings logging,
        Requirements requires) {

    public KleiberConfig {
        models = Map.copyOf(models);
        prices = Map.copyOf(prices);
    }

    /** These settings with the tiers' models replaced, e.g. {@code latest} resolved to concrete ids. */
    public KleiberConfig withModels(Map<Tier, String> resolved) {
        return new KleiberConfig(resolved, prices, budget, workers, store, sandbox, agent, validate, layout, routing,
                sandboxPolicy, changeLimits, server, runners, logging, requires);
    }

    /** USD per million tokens. */
    public record Price(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                        BigDecimal cacheRead) {
    }

    public record Budget(BigDecimal dailyUsd, ZoneId timeZone, Optional<BigDecimal> perRunUsd,
                         Optional<BigDecimal> perTaskUsd, Optional<URI> webhook) {
    }

    /** {@code sqlite} (the file {@code .kleiber/state.db}) or a PostgreSQL URL. */
    public sealed interface Store {
        record Sqlite() implements Store {
        }

        /** The URL may carry a password: only {@link #redactedUrl()} is ever shown. */
        record Postgresql(String url) implements Store {
            public String redactedUrl() {
                return url.replaceFirst("//([^:/@]+):[^@]*@", "//$1:***@");
            }

            @Override
            public String toString() {
                return "Postgresql[" + redactedUrl() + "]";
            }
        }
    }

    public enum Sandbox { BWRAP, NONE }

    /** @param compactAtTokens the prompt size (input tokens) at which a session's conversation is compacted */
    public record AgentLimits(int maxTurns, int maxOutputTokens, int compactAtTokens) {
        /**
         * Compaction starts at 150,000 input tokens: three quarters of the 200,000-token window every current model
         * has, leaving room for the summary call's own answer and a turn's output and tool results.
         */
        public static final int DEFAULT_COMPACT_AT_TOKENS = 150_000;
    }

    public record ValidateCommand(String name, String run, Duration timeout) {
    }

    /**
     * @param mainEvery how often main is validated while a run is active; empty when switched off
     *                  ({@code main_every: off})
     */
    public record Validate(List<ValidateCommand> commands, int coverageMinPercent, Optional<Duration> mainEvery) {
        public Validate {
            commands = List.copyOf(commands);
            if (mainEvery.isPresent() && (mainEvery.get().isNegative() || mainEvery.get().isZero())) {
                throw new IllegalArgumentException("main_every must be positive or off: " + mainEvery.get());
            }
        }
    }

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);
    /** The blueprint's validator trigger: "every 30 minutes during active orchestration". */
    public static final Duration DEFAULT_MAIN_EVERY = Duration.ofMinutes(30);

    public static KleiberConfig defaults() {
        return new KleiberConfig(TierModels.DEFAULTS.models(), Map.of(),
                new Budget(new BigDecimal("50"), ZoneId.of("UTC"), Optional.empty(), Optional.empty(), Optional.empty()),
                3, new Store.Sqlite(), Sandbox.BWRAP, new AgentLimits(40, 8192, AgentLimits.DEFAULT_COMPACT_AT_TOKENS),
                new Validate(List.of(), 80, Optional.of(DEFAULT_MAIN_EVERY)),
                LayoutSettings.defaults(), RoutingSettings.DEFAULTS, SandboxPolicy.defaults(),
                ChangeLimits.DEFAULT, ServerSettings.DEFAULTS, RunnerSettings.DEFAULT, LogSettings.DEFAULT,
                Requirements.NONE);
    }

    public String modelFor(Tier tier) {
        return models.get(tier);
    }
}
