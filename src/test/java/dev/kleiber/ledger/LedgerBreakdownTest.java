package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Lease;
import dev.kleiber.store.Store;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger read for the dashboard: spend per run, per day with its all-Opus price, and a task's calls one by one. */
class LedgerBreakdownTest {
    static final String SONNET = "claude-sonnet-4-5";
    static final LocalDate FIRST = LocalDate.parse("2025-01-09");
    static final LocalDate SECOND = FIRST.plusDays(1);

    @TempDir
    Path dir;

    /** Thirty seconds before midnight UTC, so one short step makes the next budget day without losing the lease. */
    final ManualClock clock = new ManualClock(Instant.parse("2025-01-09T23:59:30Z"));
    private Store store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * Day one: r1/feat-001 spends 100k in + 10k out on Sonnet ($0.45; on Opus at $4/$20 per million: $0.60) and
     * r2/feat-009 10k in ($0.03; $0.04). Day two: feat-001's second attempt, 20k in + 1k out ($0.075; $0.10).
     */
    private Ledger ledgerWithTwoDays(TestStores.Kind kind) {
        store = Store.open(TestStores.fresh(kind, dir), clock);
        Lease lease = store.leases().acquire("conductor", Duration.ofMinutes(1));
        BudgetGuard guard = new BudgetGuard(store, PriceTable.shipped(), BudgetLimits.DEFAULTS, clock, lease, pause -> { });
        CallContext first = new CallContext("r1", "feat-001", 1, "engineer-backend", Tier.SONNET);
        guard.settle(guard.reserve(first, SONNET, 100_000, 10_000), ok(100_000, 10_000));
        guard.settle(guard.reserve(new CallContext("r2", "feat-009", 1, "scribe", Tier.SONNET), SONNET, 10_000, 0),
                ok(10_000, 0));
        clock.advance(Duration.ofSeconds(40));
        CallContext retry = new CallContext("r1", "feat-001", 2, "engineer-backend", Tier.SONNET);
        guard.settle(guard.reserve(retry, SONNET, 20_000, 1_000), ok(20_000, 1_000));
        return new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, BudgetLimits.DEFAULTS, clock);
    }

    private static CallResult ok(long in, long out) {
        return new CallResult(SONNET, TokenUsage.of(in, out), CallOutcome.OK, Optional.of("req_1"));
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void eachRunsSpendIsItsCallsSummed(TestStores.Kind kind) {
        Ledger ledger = ledgerWithTwoDays(kind);
        assertThat(ledger.costByRun()).containsOnlyKeys("r1", "r2");
        assertThat(ledger.costByRun().get("r1")).isEqualByComparingTo("0.525");
        assertThat(ledger.costByRun().get("r2")).isEqualByComparingTo("0.03");
        assertThat(ledger.costByRun().get("r1")).isEqualByComparingTo(ledger.cost(Optional.empty(), Optional.of("r1")).totalUsd());
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void spendByDayCarriesTheAllOpusPriceAndLeavesOutDaysOutsideTheWindow(TestStores.Kind kind) {
        Ledger ledger = ledgerWithTwoDays(kind);
        assertThat(ledger.byDay(FIRST.minusDays(29), SECOND)).satisfiesExactly(
                d -> {
                    assertThat(d.day()).isEqualTo(FIRST);
                    assertThat(d.calls()).isEqualTo(2);
                    assertThat(d.tokens()).isEqualTo(TokenUsage.of(110_000, 10_000));
                    assertThat(d.costUsd()).isEqualByComparingTo("0.48");
                    assertThat(d.allOpusUsd()).isEqualByComparingTo("0.64");
                },
                d -> {
                    assertThat(d.day()).isEqualTo(SECOND);
                    assertThat(d.costUsd()).isEqualByComparingTo("0.075");
                    assertThat(d.allOpusUsd()).isEqualByComparingTo("0.1");
                });
        assertThat(ledger.byDay(SECOND, SECOND)).extracting(DaySpend::day).containsExactly(SECOND);
        assertThat(ledger.byDay(SECOND.plusDays(1), SECOND.plusDays(30))).isEmpty();
        assertThat(ledger.byDay("r1")).extracting(DaySpend::costUsd)
                .usingElementComparator(BigDecimal::compareTo).containsExactly(new BigDecimal("0.45"), new BigDecimal("0.075"));
        assertThat(ledger.byDay("r2")).extracting(DaySpend::day).containsExactly(FIRST);
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aTasksCallsAreListedOneByOneOldestFirstUpToTheLimit(TestStores.Kind kind) {
        Ledger ledger = ledgerWithTwoDays(kind);
        assertThat(ledger.calls("r1", "feat-001", 10)).satisfiesExactly(
                c -> {
                    assertThat(c.at()).isEqualTo(Instant.parse("2025-01-09T23:59:30Z"));
                    assertThat(c.attempt()).isEqualTo(1);
                    assertThat(c.agent()).isEqualTo("engineer-backend");
                    assertThat(c.tier()).isEqualTo("sonnet");
                    assertThat(c.modelId()).isEqualTo(SONNET);
                    assertThat(c.tokens()).isEqualTo(TokenUsage.of(100_000, 10_000));
                    assertThat(c.costUsd()).isEqualByComparingTo("0.45");
                    assertThat(c.outcome()).isEqualTo("ok");
                },
                c -> {
                    assertThat(c.attempt()).isEqualTo(2);
                    assertThat(c.costUsd()).isEqualByComparingTo("0.075");
                });
        assertThat(ledger.calls("r1", "feat-001", 1)).extracting(LedgerCall::attempt).containsExactly(1);
        assertThat(ledger.calls("r1", "feat-009", 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aRunsCapIsTheConfiguredOneUntilAPersonRaisesIt(TestStores.Kind kind) {
        Ledger ledger = ledgerWithTwoDays(kind);
        assertThat(ledger.runLimit("r1")).isEmpty();
        BudgetLimits capped = new BudgetLimits(new BigDecimal("50"), java.time.ZoneOffset.UTC,
                Optional.of(new BigDecimal("2")), Optional.empty(), Optional.empty());
        Ledger withCap = new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, capped, clock);
        assertThat(withCap.runLimit("r1")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("2"));
        withCap.raise(new Ledger.Target(Optional.of("r1"), Optional.empty()), new BigDecimal("3"), "ana");
        withCap.approveExtra(new Ledger.Target(Optional.of("r1"), Optional.empty()), new BigDecimal("0.5"), "bo");
        assertThat(withCap.runLimit("r1")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("3.5"));
        assertThat(withCap.runLimit("r2")).hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("2"));
    }
}
