package dev.kleiber.ledger;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreException;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetGuardTest {
    static final String SONNET = "claude-sonnet-4-5";
    static final CallContext BACKEND = new CallContext("r1", "feat-001", 1, "engineer-backend", Tier.SONNET);
    static final LocalDate DAY = LocalDate.parse("2025-01-09");

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock();
    final List<BudgetPause> alerts = new ArrayList<>();

    private Store store;
    private Lease lease;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private BudgetGuard guard(TestStores.Kind kind, BudgetLimits limits) {
        store = Store.open(TestStores.fresh(kind, dir), clock);
        lease = store.leases().acquire("conductor", Duration.ofMinutes(1));
        return new BudgetGuard(store, PriceTable.shipped(), limits, clock, lease, alerts::add);
    }

    private Ledger ledger(BudgetLimits limits) {
        return new Ledger(store, PriceTable.shipped(), TierModels.DEFAULTS, limits, clock);
    }

    static BudgetLimits daily(String usd) {
        return new BudgetLimits(new BigDecimal(usd), java.time.ZoneOffset.UTC, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    static CallResult ok(String model, long in, long out) {
        return new CallResult(model, TokenUsage.of(in, out), CallOutcome.OK, Optional.of("req_1"));
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aCallReservesItsWorstCaseAndSettlesToItsRealCost(TestStores.Kind kind) {
        BudgetGuard guard = guard(kind, BudgetLimits.DEFAULTS);
        {
            Reservation r = guard.reserve(BACKEND, SONNET, 20_000, 10_000);
            assertThat(r.amountUsd()).isEqualByComparingTo("0.21"); // 20k x $3/M + 10k x $15/M
            Ledger ledger = ledger(BudgetLimits.DEFAULTS);
            assertThat(ledger.status(DAY).reservedUsd()).isEqualByComparingTo("0.21");

            guard.settle(r, ok("claude-sonnet-4-5-20250929", 15_000, 8_000));

            BudgetStatus status = ledger.status(DAY);
            assertThat(status.spentUsd()).isEqualByComparingTo("0.165");
            assertThat(status.reservedUsd()).isZero();
            assertThat(status.remainingUsd()).isEqualByComparingTo("49.835");
            assertThatThrownBy(() -> guard.settle(r, ok(SONNET, 1, 1))).hasMessageContaining("already settled");
            assertThat(ledger.status(DAY).spentUsd()).isEqualByComparingTo("0.165");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aCallThatWouldPassTheLimitIsRefusedPausesOnceAndWaitsForAPerson(TestStores.Kind kind) {
        BudgetLimits limits = daily("1");
        BudgetGuard guard = guard(kind, limits);
        {
            Reservation first = guard.reserve(BACKEND, SONNET, 100_000, 40_000); // $0.90
            assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 10_000, 10_000)) // $0.18 more
                    .isInstanceOf(BudgetExceededException.class)
                    .hasMessageContaining("Daily budget of $1.00 would be passed")
                    .hasMessageContaining("kleiber budget raise --to USD");
            assertThat(alerts).singleElement().satisfies(p -> {
                assertThat(p.limitName()).isEqualTo("daily");
                assertThat(p.reservedUsd()).isEqualByComparingTo("0.9");
                assertThat(p.requestedUsd()).isEqualByComparingTo("0.18");
            });
            guard.settle(first, ok(SONNET, 1_000, 100));
            // paused: even a call that would fit now waits for a decision, and is not announced again
            assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 10, 10)).isInstanceOf(BudgetExceededException.class);
            assertThat(alerts).hasSize(1);
            Ledger ledger = ledger(limits);
            assertThat(ledger.status(DAY).paused()).isTrue();

            assertThat(ledger.approveExtra(Ledger.Target.TODAY, new BigDecimal("2"), "ana")).isEqualByComparingTo("3");
            assertThat(ledger.status(DAY).paused()).isFalse();
            guard.settle(guard.reserve(BACKEND, SONNET, 10_000, 10_000), ok(SONNET, 10, 10));

            assertThat(ledger.raise(Ledger.Target.TODAY, new BigDecimal("10"), "ana")).isEqualByComparingTo("10");
            assertThatThrownBy(() -> ledger.raise(Ledger.Target.TODAY, new BigDecimal("5"), "bo"))
                    .isInstanceOf(KleiberException.class).hasMessageContaining("already $10.00");
            assertThat(ledger.approveExtra(Ledger.Target.TODAY, new BigDecimal("0.5"), "bo")).isEqualByComparingTo("10.5");
            assertThat(ledger.status(DAY).approvals()).extracting(BudgetStatus.Approval::approvedBy)
                    .containsExactly("ana", "ana", "bo");
            assertThat(store.events().ofRun("r1")).extracting(e -> e.kind()).contains("budget.paused");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void perRunAndPerTaskCapsPauseTheirOwnScope(TestStores.Kind kind) {
        BudgetLimits limits = new BudgetLimits(new BigDecimal("50"), java.time.ZoneOffset.UTC,
                Optional.of(new BigDecimal("1")), Optional.of(new BigDecimal("0.5")), Optional.empty());
        BudgetGuard guard = guard(kind, limits);
        {
            guard.settle(guard.reserve(BACKEND, SONNET, 100_000, 0), ok(SONNET, 100_000, 0)); // $0.30 on feat-001
            assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 100_000, 0))
                    .hasMessageContaining("Per-task budget of $0.50");
            CallContext other = new CallContext("r1", "feat-002", 1, "engineer-frontend", Tier.SONNET);
            guard.settle(guard.reserve(other, SONNET, 100_000, 0), ok(SONNET, 100_000, 0));
            guard.settle(guard.reserve(other, SONNET, 50_000, 0), ok(SONNET, 50_000, 0)); // run at $0.75
            CallContext third = new CallContext("r1", "feat-003", 1, "scribe", Tier.HAIKU);
            assertThatThrownBy(() -> guard.reserve(third, SONNET, 100_000, 0))
                    .hasMessageContaining("Per-run budget of $1.00");
            assertThat(alerts).extracting(BudgetPause::limitName).containsExactly("per-task", "per-run");

            Ledger ledger = ledger(limits);
            assertThatThrownBy(() -> ledger.raise(new Ledger.Target(Optional.empty(), Optional.of("feat-001")),
                    BigDecimal.TEN, "ana")).hasMessageContaining("--task needs --run");
            ledger.raise(new Ledger.Target(Optional.of("r1"), Optional.empty()), new BigDecimal("5"), "ana");
            guard.settle(guard.reserve(third, SONNET, 100_000, 0), ok(SONNET, 1, 1));
            // the task's pause stands until its own limit is decided
            assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 1, 1)).hasMessageContaining("Per-task");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void unknownPricesAndFailedStoresLetNoCallThrough(TestStores.Kind kind) {
        BudgetGuard guard = guard(kind, BudgetLimits.DEFAULTS);
        assertThatThrownBy(() -> guard.reserve(BACKEND, "claude-imaginary-9", 10, 10))
                .isInstanceOf(UnknownPriceException.class);
        store.close();
        assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 10, 10)).isInstanceOf(StoreException.class);
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void reservationsOfAnExpiredLeaseStopCountingAndItsHolderMayNotCall(TestStores.Kind kind) {
        BudgetGuard guard = guard(kind, daily("1"));
        {
            guard.reserve(BACKEND, SONNET, 300_000, 0); // $0.90 held by a process that then dies
            Lease other = store.leases().acquire("worker-2", Duration.ofMinutes(10));
            BudgetGuard survivor = new BudgetGuard(store, PriceTable.shipped(), daily("1"), clock, other, alerts::add);
            assertThatThrownBy(() -> survivor.reserve(BACKEND, SONNET, 100_000, 0)).isInstanceOf(BudgetExceededException.class);
            ledger(daily("1")).approveExtra(Ledger.Target.TODAY, new BigDecimal("0.01"), "ana");

            clock.advance(Duration.ofMinutes(2));
            assertThat(ledger(daily("1")).status(DAY).reservedUsd()).isZero();
            assertThat(survivor.reserve(BACKEND, SONNET, 300_000, 0).amountUsd()).isEqualByComparingTo("0.9");
            assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 1, 1)).isInstanceOf(LeaseLostException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void aPauseWritesTheBlockedFileAndAnAlertFailureDoesNotLetTheCallThrough(TestStores.Kind kind) throws Exception {
        store = Store.open(TestStores.fresh(kind, dir), clock);
        Lease l = store.leases().acquire("conductor", Duration.ofMinutes(1));
        List<String> problems = new ArrayList<>();
        BudgetAlert failing = p -> {
            throw KleiberException.failed("webhook down");
        };
        BudgetGuard guard = new BudgetGuard(store, PriceTable.shipped(), daily("0.10"), clock, l,
                BudgetAlert.all(List.of(failing, new BlockedBudgetFile(dir)), problems::add));
        {
            assertThatThrownBy(() -> guard.reserve(BACKEND, SONNET, 100_000, 0)).isInstanceOf(BudgetExceededException.class);
            assertThat(problems).containsExactly("budget alert failed: webhook down");
            String blocked = Files.readString(dir.resolve("blocked/conductor/budget-2025-01-09-conflict.md"));
            assertThat(blocked).startsWith("# Blocked: budget-2025-01-09\nAgent: conductor\n"
                    + "Blocked Since: 2025-01-09T14:30:00Z\nType: technical\n\n## Problem\n");
            assertThat(blocked).contains("Limit: $0.10").contains("Spent: $0.00").contains("needs up to $0.30")
                    .contains("## Attempted Solutions\n1. ").contains("## Need From Conductor\n")
                    .contains("kleiber budget raise --to USD").contains("kleiber budget approve --extra USD");
        }
    }

    @ParameterizedTest
    @EnumSource(TestStores.Kind.class)
    void costReportsSplitByModelAgentAndTaskAndCompareWithAllOpus(TestStores.Kind kind) {
        BudgetGuard guard = guard(kind, BudgetLimits.DEFAULTS);
        {
            guard.settle(guard.reserve(BACKEND, SONNET, 20_000, 10_000), ok("claude-sonnet-4-5-20250929", 15_000, 8_000));
            CallContext docs = new CallContext("r1", "docs-001", 1, "scribe", Tier.HAIKU);
            guard.settle(guard.reserve(docs, "claude-haiku-4-5", 10_000, 10_000),
                    new CallResult("claude-haiku-4-5-20251001", new TokenUsage(4_000, 2_000, 0, 0, 10_000),
                            CallOutcome.ERROR, Optional.empty()));
            CostReport report = ledger(BudgetLimits.DEFAULTS).cost(Optional.of(DAY), Optional.empty());
            assertThat(report.calls()).isEqualTo(2);
            // 0.165 + (4000 x 1 + 2000 x 5 + 10000 x 0.10) / 1M = 0.165 + 0.015
            assertThat(report.totalUsd()).isEqualByComparingTo("0.18");
            assertThat(report.byModel()).extracting(CostReport.Line::name)
                    .containsExactly("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001");
            assertThat(report.byAgent()).extracting(CostReport.Line::name).containsExactly("engineer-backend", "scribe");
            assertThat(report.byTask()).extracting(CostReport.TaskLine::taskId).containsExactly("feat-001", "docs-001");
            // all on claude-opus-5-5: 15000x4 + 8000x20 + 4000x4 + 2000x20 + 10000x0.20, per million
            assertThat(report.allOpusUsd()).isEqualByComparingTo("0.278");
            assertThat(ledger(BudgetLimits.DEFAULTS).cost(Optional.empty(), Optional.of("other")).calls()).isZero();
            Session session = ledger(BudgetLimits.DEFAULTS).session("r1", "feat-001", 1).orElseThrow();
            assertThat(session.models()).containsExactly("claude-sonnet-4-5-20250929");
            assertThat(OrchestrationLog.render(OrchestrationLog.Row.of(session, Tier.SONNET, Optional.empty())))
                    .isEqualTo("| 2025-01-09T14:30:00Z | engineer-backend | feat-001 | sonnet | 15000 | 8000 | $0.165 |\n");
            assertThat(ledger(BudgetLimits.DEFAULTS).session("r1", "feat-001", 2)).isEmpty();
        }
    }
}
