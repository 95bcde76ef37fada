package dev.kleiber.cli;

import dev.kleiber.Counted;
import dev.kleiber.ledger.Usd;
import dev.kleiber.store.TaskRecord;
import dev.kleiber.store.TaskState;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The text of the live board for one {@link BoardSnapshot}, fitted to a terminal: no line longer than the width,
 * no more lines than the height. Pure: the same snapshot and size give the same screen. ASCII only, so that it
 * reads the same in any locale; colour (ANSI SGR) only when asked for.
 */
final class Board {
    /** The states in the order a task lives through them; leased ones are listed as running agents instead. */
    private static final List<TaskState> ORDER = List.of(TaskState.RUNNING, TaskState.VALIDATING, TaskState.QUEUED,
            TaskState.PLANNED, TaskState.AWAITING_REVIEW, TaskState.BLOCKED, TaskState.FAILED, TaskState.CANCELLED,
            TaskState.MERGED);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String MORE = "...";
    private static final int MAX_BAR = 30;
    private static final int MIN_BAR = 10;
    private static final int MAX_ID = 24;
    private static final int MIN_EVENT_LINES = 4;

    private static final String BOLD = "1";
    private static final String DIM = "2";
    private static final String RED = "31";
    private static final String GREEN = "32";
    private static final String YELLOW = "33";
    private static final String CYAN = "36";

    private Board() {
    }

    /** The screen for {@code snapshot}: lines joined by {@code \n}, none wider than {@code width}, at most {@code height}. */
    static String render(BoardSnapshot snapshot, int width, int height, boolean color) {
        if (width < 1 || height < 1) {
            return "";
        }
        List<Line> head = List.of(header(snapshot), counts(snapshot), spend(snapshot.spend(), width));
        List<Line> running = runningLines(snapshot);
        List<Line> states = stateLines(snapshot, width);
        List<Line> events = snapshot.events().stream().map(e -> new Line().add("  " + e)).toList();

        List<Line> screen = new ArrayList<>(head.subList(0, Math.min(head.size(), height)));
        int left = height - screen.size();
        // when space is short: where the tasks stand (a line per state) first, then the agents at work keeping
        // room for the newest few events, then more events
        int forStates = states.isEmpty() ? 0 : Math.min(left, 1 + states.size());
        left -= forStates;
        int eventsKept = events.isEmpty() ? 0 : Math.min(left, Math.min(MIN_EVENT_LINES, 1 + events.size()));
        int forRunning = running.isEmpty() ? 0 : Math.min(left - eventsKept, 1 + running.size());
        forRunning = forRunning < 2 ? 0 : forRunning;
        left -= forRunning;
        int forEvents = events.isEmpty() ? 0 : Math.min(left, 1 + events.size());
        forEvents = forEvents < 2 ? 0 : forEvents;
        if (forRunning > 0) {
            screen.add(new Line().add("running (" + snapshot.running().size() + " of "
                    + Counted.of(snapshot.workers(), "worker") + ")", BOLD));
            screen.addAll(head(running, forRunning - 1, snapshot.running().size()));
        }
        if (forStates > 0) {
            screen.add(new Line().add("tasks", BOLD));
            screen.addAll(states.subList(0, forStates - 1));
        }
        if (forEvents > 0) {
            screen.add(new Line().add("events", BOLD));
            screen.addAll(events.subList(events.size() - (forEvents - 1), events.size()));
        }
        List<String> out = new ArrayList<>();
        for (Line line : screen) {
            out.add(line.fit(width).text(color));
        }
        return String.join("\n", out);
    }

    /** The first {@code room} lines; when they do not all fit, the last one left says how many more there are. */
    private static List<Line> head(List<Line> lines, int room, int total) {
        if (lines.size() <= room) {
            return lines;
        }
        if (room == 0) {
            return List.of();
        }
        List<Line> out = new ArrayList<>(lines.subList(0, room - 1));
        out.add(new Line().add("  " + MORE + " +" + (total - (room - 1)) + " more", DIM));
        return out;
    }

    private static Line header(BoardSnapshot s) {
        return new Line().add("kleiber run " + s.runId(), BOLD).add("  " + TIME.format(s.at()) + " UTC  " + s.workers()
                + (s.workers() == 1 ? " worker" : " workers"));
    }

    private static Line counts(BoardSnapshot s) {
        Map<TaskState, Integer> counts = countByState(s.tasks());
        Line line = new Line().add(counts.getOrDefault(TaskState.MERGED, 0) + "/" + s.tasks().size() + " merged",
                counts.containsKey(TaskState.MERGED) ? GREEN : "");
        for (TaskState state : ORDER) {
            if (state != TaskState.MERGED && counts.containsKey(state)) {
                line.add("  ").add(counts.get(state) + " " + label(state), colour(state));
            }
        }
        return line;
    }

    private static Line spend(BoardSnapshot.Spend spend, int width) {
        Line line = new Line().add("spend ");
        String amounts = Usd.fine(spend.spentUsd()) + (spend.reservedUsd().signum() > 0
                ? " + " + Usd.fine(spend.reservedUsd()) + " reserved" : "");
        if (spend.limitUsd().signum() <= 0) {
            return line.add(amounts + " today, no daily budget; this run " + Usd.fine(spend.runUsd()));
        }
        int bar = Math.max(MIN_BAR, Math.min(MAX_BAR, width / 3));
        int spent = cells(spend.spentUsd(), spend.limitUsd(), bar);
        int reserved = Math.min(bar, cells(spend.spentUsd().add(spend.reservedUsd()), spend.limitUsd(), bar)) - spent;
        BigDecimal percent = spend.spentUsd().multiply(BigDecimal.valueOf(100)).divide(spend.limitUsd(), 0, RoundingMode.HALF_UP);
        String barColour = spend.paused() || percent.compareTo(BigDecimal.valueOf(90)) >= 0 ? RED
                : percent.compareTo(BigDecimal.valueOf(70)) >= 0 ? YELLOW : GREEN;
        line.add("[").add("#".repeat(spent), barColour).add("=".repeat(reserved), DIM).add(".".repeat(bar - spent - reserved))
                .add("] ").add(amounts + " of " + Usd.cents(spend.limitUsd()) + " today (" + percent + "%)")
                .add("; this run " + Usd.fine(spend.runUsd()));
        if (spend.paused()) {
            line.add("  PAUSED", RED);
        }
        return line;
    }

    /** How many of {@code bar} cells {@code amount} fills against {@code limit}: rounded down, at most the bar. */
    static int cells(BigDecimal amount, BigDecimal limit, int bar) {
        if (amount.signum() <= 0) {
            return 0;
        }
        if (amount.compareTo(limit) >= 0) {
            return bar; // also keeps the division below within an int when spend dwarfs a lowered limit
        }
        int n = amount.multiply(BigDecimal.valueOf(bar)).divide(limit, 0, RoundingMode.DOWN).intValueExact();
        return Math.max(1, Math.min(bar, n));
    }

    private static List<Line> runningLines(BoardSnapshot s) {
        int idWidth = Math.min(MAX_ID, s.running().stream().mapToInt(r -> r.taskId().length()).max().orElse(0));
        int agentWidth = s.running().stream().mapToInt(r -> r.agent().length()).max().orElse(0);
        List<Line> lines = new ArrayList<>();
        for (BoardSnapshot.Running r : s.running()) {
            lines.add(new Line().add("  ").add(pad(r.taskId(), idWidth), CYAN).add("  " + pad(r.agent(), agentWidth) + "  "
                    + pad(r.tier().id(), 6) + "  attempt " + r.attempt() + "  " + elapsed(r.elapsed())));
        }
        return lines;
    }

    /** One line per state that has tasks (besides running ones): its count and as many ids as the width allows. */
    private static List<Line> stateLines(BoardSnapshot s, int width) {
        Map<TaskState, List<String>> ids = new EnumMap<>(TaskState.class);
        for (TaskRecord task : s.tasks()) {
            ids.computeIfAbsent(task.state(), x -> new ArrayList<>()).add(task.id());
        }
        List<Line> lines = new ArrayList<>();
        for (TaskState state : ORDER) {
            if (state.isLeased() || !ids.containsKey(state)) {
                continue;
            }
            List<String> list = ids.get(state);
            String prefix = "  " + label(state) + " (" + list.size() + "): ";
            lines.add(new Line().add("  ").add(label(state), colour(state)).add(" (" + list.size() + "): ")
                    .add(summary(list, width - prefix.length())));
        }
        return lines;
    }

    /** {@code ids} joined by commas, as many as fit in {@code room} columns with room left to say how many did not. */
    static String summary(List<String> ids, int room) {
        String text = "";
        for (int i = 0; i < ids.size(); i++) {
            String candidate = text + (i == 0 ? "" : ", ") + ids.get(i);
            int rest = ids.size() - i - 1;
            int needed = candidate.length() + (rest == 0 ? 0 : (", " + MORE + " +" + rest).length());
            if (needed > room) {
                String more = MORE + " +" + (ids.size() - i);
                return i == 0 ? more : text + ", " + more;
            }
            text = candidate;
        }
        return text;
    }

    private static Map<TaskState, Integer> countByState(List<TaskRecord> tasks) {
        Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
        tasks.forEach(t -> counts.merge(t.state(), 1, Integer::sum));
        return counts;
    }

    private static String label(TaskState state) {
        return state.id().replace('_', ' ');
    }

    private static String colour(TaskState state) {
        return switch (state) {
            case MERGED -> GREEN;
            case RUNNING, VALIDATING -> CYAN;
            case AWAITING_REVIEW -> YELLOW;
            case BLOCKED, FAILED -> RED;
            case PLANNED, QUEUED, CANCELLED -> "";
        };
    }

    private static String elapsed(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }

    private static String pad(String text, int width) {
        String cut = text.length() > width ? text.substring(0, Math.max(0, width - MORE.length())) + MORE : text;
        return cut + " ".repeat(Math.max(0, width - cut.length()));
    }

    /** A line of text with coloured spans, cut to a width before the colour codes go in. */
    private static final class Line {
        private final StringBuilder text = new StringBuilder();
        private final List<int[]> spans = new ArrayList<>();
        private final List<String> codes = new ArrayList<>();

        Line add(String part) {
            text.append(part);
            return this;
        }

        Line add(String part, String code) {
            if (!code.isEmpty() && !part.isEmpty()) {
                spans.add(new int[] {text.length(), text.length() + part.length()});
                codes.add(code);
            }
            text.append(part);
            return this;
        }

        Line fit(int width) {
            if (text.length() > width) {
                int keep = Math.max(0, width - MORE.length());
                text.setLength(keep);
                text.append(MORE, 0, Math.min(MORE.length(), width));
            }
            return this;
        }

        String text(boolean color) {
            if (!color || spans.isEmpty()) {
                return text.toString();
            }
            StringBuilder out = new StringBuilder();
            int at = 0;
            for (int i = 0; i < spans.size(); i++) {
                int start = Math.min(spans.get(i)[0], text.length());
                int end = Math.min(spans.get(i)[1], text.length());
                if (start >= end) {
                    continue;
                }
                out.append(text, at, start).append("\033[").append(codes.get(i)).append('m')
                        .append(text, start, end).append("\033[0m");
                at = end;
            }
            return out.append(text, at, text.length()).toString();
        }
    }
}
