package dev.kleiber.cli;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BoardTest {
    private static final Instant AT = Instant.parse("2026-11-25T14:03:07Z");

    @Test
    void groupsTasksByStateAndListsTheRunningAgents() {
        BoardSnapshot snapshot = snapshot(List.of(
                        task("slug-util", TaskState.MERGED), task("price-label", TaskState.MERGED),
                        task("book-search", TaskState.RUNNING), task("payment-refund", TaskState.AWAITING_REVIEW),
                        task("shipping-rates", TaskState.BLOCKED), task("refund-docs", TaskState.PLANNED)),
                List.of(new BoardSnapshot.Running("book-search", "engineer-backend", Tier.SONNET, 2, Duration.ofSeconds(83))),
                spend("1.20", "0", "50"), List.of("14:03:01 book-search: running: engineer-backend on sonnet, attempt 2"));

        String screen = Board.render(snapshot, 100, 30, false);

        assertThat(screen.lines().toList()).containsSubsequence(
                "kleiber run run-1  14:03:07 UTC  2 workers",
                "2/6 merged  1 running  1 planned  1 awaiting review  1 blocked",
                "running (1 of 2 workers)",
                "  book-search  engineer-backend  sonnet  attempt 2  01:23",
                "tasks",
                "  planned (1): refund-docs",
                "  awaiting review (1): payment-refund",
                "  blocked (1): shipping-rates",
                "  merged (2): slug-util, price-label",
                "events",
                "  14:03:01 book-search: running: engineer-backend on sonnet, attempt 2");
        assertThat(screen).doesNotContain("\033");
    }

    @Test
    void theSpendBarIsProportionalToTheDailyLimit() {
        assertThat(spendLine(spend("25", "0", "100"), 90)).contains("[" + "#".repeat(7) + ".".repeat(23) + "]")
                .contains("$25.00 of $100.00 today (25%)");
        assertThat(spendLine(spend("50", "25", "100"), 90)).contains("[" + "#".repeat(15) + "=".repeat(7) + ".".repeat(8) + "]")
                .contains("$50.00 + $25.00 reserved");
        assertThat(spendLine(spend("130", "0", "100"), 90)).contains("[" + "#".repeat(30) + "]").contains("(130%)");
        assertThat(spendLine(spend("0", "0", "100"), 90)).contains("[" + ".".repeat(30) + "]");
        // a cent spent shows: one cell, never an empty bar for money gone
        assertThat(spendLine(spend("0.01", "0", "100"), 90)).contains("[#" + ".".repeat(29) + "]");
        assertThat(spendLine(spend("3", "0", "0"), 90)).contains("$3.00 today, no daily budget").doesNotContain("[");
        assertThat(spendLine(new BoardSnapshot.Spend(new BigDecimal("100"), BigDecimal.ZERO, new BigDecimal("100"),
                BigDecimal.ONE, true), 120)).endsWith("PAUSED");
    }

    @Test
    void theBarShrinksWithTheWidth() {
        assertThat(Board.cells(new BigDecimal("50"), new BigDecimal("100"), 10)).isEqualTo(5);
        assertThat(spendLine(spend("50", "0", "100"), 30)).startsWith("spend [#####.....]");
    }

    @Test
    void noLineIsWiderThanTheScreenNorAreThereMoreLinesThanItsHeight() {
        List<TaskRecord> tasks = new ArrayList<>();
        List<BoardSnapshot.Running> running = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TaskState state = TaskState.values()[i % TaskState.values().length];
            String id = "a-rather-long-task-name-" + i;
            tasks.add(task(id, state));
            if (state.isLeased()) {
                running.add(new BoardSnapshot.Running(id, "engineer-backend", Tier.OPUS, 1, Duration.ofMinutes(61)));
            }
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add("14:0" + i % 10 + ":00 task-" + i + ": merged into main (0123456789ab) and a lot more words after it");
        }
        BoardSnapshot snapshot = snapshot(tasks, running, spend("12.5", "1", "50"), events);
        for (int[] size : new int[][] {{40, 12}, {80, 24}, {132, 50}, {20, 3}, {5, 1}}) {
            String screen = Board.render(snapshot, size[0], size[1], false);
            List<String> lines = screen.lines().toList();
            assertThat(lines).as("%dx%d", size[0], size[1]).hasSizeLessThanOrEqualTo(size[1]);
            assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(size[0]));
        }
        List<String> lines = Board.render(snapshot, 80, 24, false).lines().toList();
        // the most recent event is the one kept when events are cut
        assertThat(lines.getLast()).startsWith("  14:09:00 task-49");
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("  \\.\\.\\. \\+\\d+ more"));
    }

    @Test
    void manyTasksInOneStateAreSummarisedWithACount() {
        List<TaskRecord> tasks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            tasks.add(task(String.format("t-%04d", i), TaskState.PLANNED));
        }
        List<String> lines = Board.render(snapshot(tasks, List.of(), spend("0", "0", "10"), List.of()), 60, 20, false)
                .lines().toList();
        String planned = lines.stream().filter(l -> l.startsWith("  planned")).findFirst().orElseThrow();
        assertThat(planned).startsWith("  planned (400): t-0000, t-0001, ").matches(".*, \\.\\.\\. \\+\\d+$");
        int shown = planned.substring(planned.indexOf(": ") + 2).split(", ").length - 1;
        assertThat(planned).endsWith("+" + (400 - shown));
        assertThat(planned.length()).isLessThanOrEqualTo(60);
        assertThat(lines.get(1)).isEqualTo("0/400 merged  400 planned");
    }

    @Test
    void summaryFitsIdsAndSaysHowManyAreLeftOut() {
        assertThat(Board.summary(List.of("a", "b", "c"), 20)).isEqualTo("a, b, c");
        assertThat(Board.summary(List.of("alpha", "beta", "gamma", "delta"), 20)).isEqualTo("alpha, beta, ... +2");
        assertThat(Board.summary(List.of("alpha", "beta", "gamma", "delta"), 15)).isEqualTo("alpha, ... +3");
        assertThat(Board.summary(List.of("alpha", "beta"), 3)).isEqualTo("... +2");
    }

    @Test
    void colourGoesAroundTheTextWithoutCountingTowardsTheWidth() {
        BoardSnapshot snapshot = snapshot(List.of(task("a", TaskState.BLOCKED), task("b", TaskState.MERGED)), List.of(),
                spend("1", "0", "10"), List.of());
        String plain = Board.render(snapshot, 40, 10, false);
        String coloured = Board.render(snapshot, 40, 10, true);
        assertThat(coloured).contains("\033[31mblocked\033[0m").contains("\033[1m");
        assertThat(coloured.replaceAll("\033\\[[0-9;]*m", "")).isEqualTo(plain);
    }

    private static String spendLine(BoardSnapshot.Spend spend, int width) {
        return Board.render(snapshot(List.of(), List.of(), spend, List.of()), width, 10, false).lines()
                .filter(l -> l.startsWith("spend")).findFirst().orElseThrow();
    }

    private static BoardSnapshot snapshot(List<TaskRecord> tasks, List<BoardSnapshot.Running> running,
                                          BoardSnapshot.Spend spend, List<String> events) {
        return new BoardSnapshot("run-1", AT, 2, tasks, running, spend, events);
    }

    private static BoardSnapshot.Spend spend(String spent, String reserved, String limit) {
        return new BoardSnapshot.Spend(new BigDecimal(spent), new BigDecimal(reserved), new BigDecimal(limit),
                new BigDecimal(spent), false);
    }

    static TaskRecord task(String id, TaskState state) {
        return new TaskRecord("run-1", id, "engineer-backend", Tier.SONNET, state, 1, Optional.empty(), 1, List.of());
    }
}
