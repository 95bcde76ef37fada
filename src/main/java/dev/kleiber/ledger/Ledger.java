package dev.kleiber.ledger;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Store;
import dev.kleiber.store.Tx;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads the ledger (cost reports, budget status, sessions, daily summaries) and records people's budget decisions. */
public final class Ledger {
    private final Store store;
    private final PriceTable prices;
    private final TierModels models;
    private final BudgetLimits limits;
    private final Clock clock;

    public Ledger(Store store, PriceTable prices, TierModels models, BudgetLimits limits, Clock clock) {
        this.store = store;
        this.prices = prices;
        this.models = models;
        this.limits = limits;
        this.clock = clock;
    }

    /** Today in the budget's time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), limits.zone());
    }

    /**
     * Drops the reservations of processes whose lease is gone (expired, or ended because the process was proven
     * dead): such a process will never settle them. Returns how many were dropped.
     */
    public int releaseAbandonedReservations() {
        return store.database().write(tx -> {
            tx.lock("budget");
            return LedgerTables.releaseExpired(tx, clock.millis());
        });
    }

    /** One group of ledger rows: a model, agent and task with their summed usage. */
    private record Group(String model, String agent, String runId, String taskId, long calls, TokenUsage tokens,
                         long costPico) {
    }

    /** Spend of {@code day} and/or {@code runId} (at least one must be given). */
    public CostReport cost(Optional<LocalDate> day, Optional<String> runId) {
        if (day.isEmpty() && runId.isEmpty()) {
            throw new IllegalArgumentException("a cost report needs a day or a run");
        }
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        day.ifPresent(d -> {
            where.add("day = ?");
            args.add(d.toString());
        });
        runId.ifPresent(r -> {
            where.add("run_id = ?");
            args.add(r);
        });
        List<Group> groups = store.database().read(tx -> tx.query("SELECT model_id, agent, run_id, task_id, COUNT(*), "
                + "SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens), "
                + "SUM(cache_read_tokens), SUM(cost_pusd) FROM ledger WHERE " + String.join(" AND ", where)
                + " GROUP BY model_id, agent, run_id, task_id", Ledger::group, args.toArray()));
        String opusModel = models.modelFor(Tier.OPUS);
        ModelPrice opus = prices.priceOf(opusModel);
        BigDecimal allOpus = groups.stream().map(g -> opus.cost(g.tokens())).reduce(BigDecimal.ZERO, BigDecimal::add);
        long calls = groups.stream().mapToLong(Group::calls).sum();
        long total = groups.stream().mapToLong(Group::costPico).sum();
        List<CostReport.TaskLine> byTask = new ArrayList<>();
        aggregate(groups, g -> g.runId() + "\u0000" + g.taskId()).forEach((key, line) -> {
            Group any = groups.stream().filter(g -> (g.runId() + "\u0000" + g.taskId()).equals(key)).findFirst().orElseThrow();
            byTask.add(new CostReport.TaskLine(any.runId(), any.taskId(), any.agent(), line.calls(), line.tokens(),
                    line.costUsd()));
        });
        byTask.sort(Comparator.comparing(CostReport.TaskLine::costUsd).reversed()
                .thenComparing(CostReport.TaskLine::runId).thenComparing(CostReport.TaskLine::taskId));
        return new CostReport(day, runId, Usd.fromPico(total), calls, sorted(aggregate(groups, Group::model)),
                sorted(aggregate(groups, Group::agent)), byTask, opusModel, Usd.fromPico(Usd.toPico(allOpus)));
    }

    private static Map<String, CostReport.Line> aggregate(List<Group> groups, Function<Group, String> key) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, TokenUsage> tokens = new LinkedHashMap<>();
        for (Group g : groups) {
            String k = key.apply(g);
            long[] c = counts.computeIfAbsent(k, x -> new long[2]);
            c[0] += g.calls();
            c[1] += g.costPico();
            tokens.merge(k, g.tokens(), TokenUsage::plus);
        }
        Map<String, CostReport.Line> out = new LinkedHashMap<>();
        counts.forEach((k, c) -> out.put(k, new CostReport.Line(k, c[0], tokens.get(k), Usd.fromPico(c[1]))));
        return out;
    }

    private static List<CostReport.Line> sorted(Map<String, CostReport.Line> lines) {
        return lines.values().stream().sorted(Comparator.comparing(CostReport.Line::costUsd).reversed()
                .thenComparing(CostReport.Line::name)).toList();
    }

    private static Group group(ResultSet rs) throws SQLException {
        return new Group(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                new TokenUsage(rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10)),
                rs.getLong(11));
    }

    /** What each run has spent so far, by run id; a run without a call is absent. */
    public Map<String, BigDecimal> costByRun() {
        return store.database().read(tx -> tx.query("SELECT run_id, SUM(cost_pusd) FROM ledger GROUP BY run_id",
                rs -> Map.entry(rs.getString(1), Usd.fromPico(rs.getLong(2))))).stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Spend per day from {@code from} to {@code to} (both included), of every run, oldest first; days without calls are left out. */
    public List<DaySpend> byDay(LocalDate from, LocalDate to) {
        return byDay("day >= ? AND day <= ?", from.toString(), to.toString());
    }

    /** Spend per day of {@code runId}, oldest first: every day it made calls on. */
    public List<DaySpend> byDay(String runId) {
        return byDay("run_id = ?", runId);
    }

    private List<DaySpend> byDay(String where, Object... args) {
        ModelPrice opus = prices.priceOf(models.modelFor(Tier.OPUS));
        return store.database().read(tx -> tx.query("SELECT day, COUNT(*), SUM(input_tokens), SUM(output_tokens), "
                + "SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(cost_pusd) "
                + "FROM ledger WHERE " + where + " GROUP BY day ORDER BY day", rs -> {
                    TokenUsage tokens = new TokenUsage(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                            rs.getLong(7));
                    return new DaySpend(LocalDate.parse(rs.getString(1)), rs.getLong(2), tokens,
                            Usd.fromPico(rs.getLong(8)), Usd.fromPico(Usd.toPico(opus.cost(tokens))));
                }, args));
    }

    /** The calls of one task, oldest first, at most {@code limit} of them. */
    public List<LedgerCall> calls(String runId, String taskId, int limit) {
        return store.database().read(tx -> tx.query("SELECT at_ms, attempt, agent, tier, model_id, input_tokens, "
                + "output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_pusd, outcome "
                + "FROM ledger WHERE run_id = ? AND task_id = ? ORDER BY at_ms, id LIMIT ?",
                rs -> new LedgerCall(Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), new TokenUsage(rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10)), Usd.fromPico(rs.getLong(11)), rs.getString(12)), runId, taskId, limit));
    }

    /** The cap on {@code runId}'s spend in effect (budget.per_run_usd as people raised or added to it), if one is set. */
    public Optional<BigDecimal> runLimit(String runId) {
        return limits.perRunUsd().map(configured -> Usd.fromPico(store.database().read(tx ->
                LedgerTables.limit(tx, Scope.run(runId), Usd.toPico(configured)))));
    }

    /** Today's daily budget. */
    public BudgetStatus status() {
        return status(today());
    }

    public BudgetStatus status(LocalDate day) {
        Scope scope = Scope.day(day);
        long now = clock.millis();
        return store.database().read(tx -> {
            long limit = LedgerTables.limit(tx, scope, Usd.toPico(limits.dailyUsd()));
            long spent = LedgerTables.spent(tx, scope);
            long reserved = LedgerTables.reserved(tx, scope, now);
            List<BudgetStatus.Approval> approvals = tx.query("SELECT at_ms, scope, kind, amount_pusd, approved_by "
                    + "FROM approvals WHERE scope = ? OR (scope NOT LIKE 'day:%' AND at_ms >= ?) ORDER BY seq",
                    rs -> new BudgetStatus.Approval(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3),
                            Usd.fromPico(rs.getLong(4)), rs.getString(5)),
                    scope.key(), day.atStartOfDay(limits.zone()).toInstant().toEpochMilli());
            return new BudgetStatus(day, limits.zone(), Usd.fromPico(limit), Usd.fromPico(spent), Usd.fromPico(reserved),
                    Usd.fromPico(Math.max(0, limit - spent - reserved)), LedgerTables.openPauses(tx, day), approvals);
        });
    }

    /** Which limit a person's decision is about: today's, a run's or a task's. */
    public record Target(Optional<String> runId, Optional<String> taskId) {
        public static final Target TODAY = new Target(Optional.empty(), Optional.empty());
    }

    /** Sets the limit of {@code target} to {@code toUsd} (more than it is now) and lifts its pause; returns the new limit. */
    public BigDecimal raise(Target target, BigDecimal toUsd, String who) {
        return decide(target, who, (tx, scope, currentPico) -> {
            if (Usd.toPico(toUsd) <= currentPico) {
                throw KleiberException.badInput(scope.limitName() + " limit is already " + Usd.cents(Usd.fromPico(currentPico))
                        + "; --to must be more than that (use 'kleiber budget approve --extra USD' to add to it)");
            }
            LedgerTables.insertApproval(tx, scope, "raise", Usd.toPico(toUsd), who, clock.millis());
            return Usd.toPico(toUsd);
        });
    }

    /** Allows {@code extraUsd} more on {@code target}'s limit and lifts its pause; returns the new limit. */
    public BigDecimal approveExtra(Target target, BigDecimal extraUsd, String who) {
        return decide(target, who, (tx, scope, currentPico) -> {
            long extra = Usd.toPico(extraUsd);
            LedgerTables.insertApproval(tx, scope, "extra", extra, who, clock.millis());
            return currentPico > Long.MAX_VALUE - extra ? Long.MAX_VALUE : currentPico + extra;
        });
    }

    private interface Decision {
        long apply(Tx tx, Scope scope, long currentPico) throws SQLException;
    }

    private BigDecimal decide(Target target, String who, Decision decision) {
        if (who.isBlank()) {
            throw KleiberException.badInput("a budget decision needs the name of who made it (--by NAME)");
        }
        Scope scope;
        BigDecimal configured;
        if (target.taskId().isPresent()) {
            String run = target.runId().orElseThrow(() -> KleiberException.badInput("--task needs --run: task ids repeat across runs"));
            scope = Scope.task(run, target.taskId().get());
            configured = limits.perTaskUsd().orElseThrow(() -> KleiberException.badInput(
                    "there is no per-task budget to change: set budget.per_task_usd in .kleiber/kleiber.yaml"));
        } else if (target.runId().isPresent()) {
            scope = Scope.run(target.runId().get());
            configured = limits.perRunUsd().orElseThrow(() -> KleiberException.badInput(
                    "there is no per-run budget to change: set budget.per_run_usd in .kleiber/kleiber.yaml"));
        } else {
            scope = Scope.day(today());
            configured = limits.dailyUsd();
        }
        long limit = store.database().write(tx -> {
            tx.lock("budget");
            long now = clock.millis();
            long result = decision.apply(tx, scope, LedgerTables.limit(tx, scope, Usd.toPico(configured)));
            if (result > Usd.toPico(Usd.MAX_AMOUNT_USD)) {
                throw KleiberException.badInput("this would make the " + scope.limitName() + " limit "
                        + Usd.cents(Usd.fromPico(result)) + ", more than the largest limit ($"
                        + Usd.MAX_AMOUNT_USD.toPlainString() + "); approve less");
            }
            int lifted = LedgerTables.clearPauses(tx, scope, who, now);
            store.events().append(tx, target.runId().orElse(""), target.taskId().orElse(""), "budget.approved",
                    scope.key() + " limit now " + Usd.cents(Usd.fromPico(result)) + " by " + who
                            + (lifted > 0 ? "; pause lifted" : ""));
            return result;
        });
        return Usd.fromPico(limit);
    }

    /** The calls of one agent session, added up; empty when it made none. */
    public Optional<Session> session(String runId, String taskId, int attempt) {
        return store.database().read(tx -> {
            List<String> modelIds = tx.query("SELECT DISTINCT model_id FROM ledger WHERE run_id = ? AND task_id = ? "
                    + "AND attempt = ? ORDER BY model_id", rs -> rs.getString(1), runId, taskId, attempt);
            if (modelIds.isEmpty()) {
                return Optional.<Session>empty();
            }
            return tx.one("SELECT MIN(agent), COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_write_5m_tokens), "
                    + "SUM(cache_write_1h_tokens), SUM(cache_read_tokens), SUM(cost_pusd), MAX(at_ms) FROM ledger "
                    + "WHERE run_id = ? AND task_id = ? AND attempt = ?", rs -> new Session(runId, taskId, attempt,
                    rs.getString(1), modelIds, rs.getLong(2),
                    new TokenUsage(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)),
                    Usd.fromPico(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9))), runId, taskId, attempt);
        });
    }

    /** The tier an agent session's calls were made on; empty when it made none. */
    public Optional<Tier> tierOf(String runId, String taskId, int attempt) {
        return store.database().read(tx -> tx.one("SELECT MIN(tier) FROM ledger WHERE run_id = ? AND task_id = ? "
                + "AND attempt = ?", rs -> Optional.ofNullable(rs.getString(1)).flatMap(Tier::parse), runId, taskId, attempt))
                .flatMap(t -> t);
    }

    /** The day's tasks and spend per tier: a task counts under every tier it ran calls on. */
    public DailySummary dailySummary(LocalDate day) {
        record Row(String runId, String taskId, String tier, long costPico) {
        }
        List<Row> rows = store.database().read(tx -> tx.query("SELECT run_id, task_id, tier, SUM(cost_pusd) FROM ledger "
                + "WHERE day = ? GROUP BY run_id, task_id, tier", rs -> new Row(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getLong(4)), day.toString()));
        Map<Tier, DailySummary.TierUsage> byTier = new EnumMap<>(Tier.class);
        Set<String> tasks = new HashSet<>();
        long total = 0;
        for (Tier tier : Tier.values()) {
            List<Row> ofTier = rows.stream().filter(r -> r.tier().equals(tier.id())).toList();
            long cost = ofTier.stream().mapToLong(Row::costPico).sum();
            byTier.put(tier, new DailySummary.TierUsage(ofTier.size(), Usd.fromPico(cost)));
        }
        for (Row row : rows) {
            tasks.add(row.runId() + "\u0000" + row.taskId());
            total += row.costPico();
        }
        return new DailySummary(day, tasks.size(), byTier, Usd.fromPico(total));
    }
}
