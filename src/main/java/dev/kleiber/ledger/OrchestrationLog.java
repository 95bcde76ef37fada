package dev.kleiber.ledger;

import dev.kleiber.Counted;
import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * {@code orchestration_log.md}: one table row per agent session and a Daily Summary block, in the blueprint's
 * formats. Append-only: what is in the file is never rewritten; a table interrupted by a summary starts again
 * with its header.
 */
public final class OrchestrationLog {
    static final String HEADER = "| Timestamp | Agent | Task | Model | Input Tokens | Output Tokens | Cost |\n"
            + "|-----------|-------|------|-------|--------------|---------------|------|\n";

    /**
     * One row: {@code model} is the tier the session actually ran on; {@code escalatedFrom} the tier it was
     * routed to first, when it was escalated.
     */
    public record Row(Instant at, String agent, String task, Tier model, Optional<Tier> escalatedFrom,
                      long inputTokens, long outputTokens, BigDecimal costUsd) {

        /** The row of a session from the ledger; input counts every input token, cached or not. */
        public static Row of(Session session, Tier model, Optional<Tier> escalatedFrom) {
            return new Row(session.endedAt(), session.agent(), session.taskId(), model, escalatedFrom,
                    session.tokens().totalInput(), session.tokens().output(), session.costUsd());
        }
    }

    private final Path file;

    public OrchestrationLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void appendSessions(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        append(existing -> sessionsAfter(existing, rows));
    }

    private static String sessionsAfter(String existing, List<Row> rows) {
        StringBuilder text = new StringBuilder();
        if (!lastLineIsTableRow(existing)) {
            text.append(existing.isEmpty() ? "" : existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n");
            text.append(HEADER);
        } else if (!existing.endsWith("\n")) {
            text.append('\n');
        }
        rows.forEach(row -> text.append(render(row)));
        return text.toString();
    }

    /**
     * Appends those of {@code rows} the log does not hold yet, for sessions a crash may have cut off before
     * their row was written: a session already logged is never logged twice.
     */
    public void appendMissingSessions(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        append(existing -> {
            java.util.Set<String> logged = new java.util.HashSet<>(existing.lines().toList());
            List<Row> missing = rows.stream().filter(row -> !logged.contains(render(row).stripTrailing())).toList();
            return missing.isEmpty() ? "" : sessionsAfter(existing, missing);
        });
    }

    public void appendSummary(DailySummary summary) {
        append(existing -> (existing.isEmpty() ? "" : existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n")
                + renderSummary(summary));
    }

    static String render(Row row) {
        String model = row.model().id() + row.escalatedFrom().filter(t -> t != row.model())
                .map(t -> " (escalated from " + t.id() + ")").orElse("");
        return "| " + row.at().truncatedTo(ChronoUnit.SECONDS) + " | " + cell(row.agent()) + " | " + cell(row.task())
                + " | " + model + " | " + row.inputTokens() + " | " + row.outputTokens() + " | " + Usd.fine(row.costUsd())
                + " |\n";
    }

    /** The blueprint's Daily Summary block. */
    public static String renderSummary(DailySummary summary) {
        StringBuilder text = new StringBuilder("## Daily Summary: " + summary.day() + "\n");
        text.append("- Total tasks: ").append(summary.totalTasks()).append('\n');
        for (Tier tier : List.of(Tier.OPUS, Tier.SONNET, Tier.HAIKU)) {
            DailySummary.TierUsage usage = summary.byTier().getOrDefault(tier, new DailySummary.TierUsage(0, BigDecimal.ZERO));
            String name = Character.toUpperCase(tier.id().charAt(0)) + tier.id().substring(1);
            text.append("- ").append(name).append(" usage: ").append(Counted.of(usage.tasks(), "task")).append(", ")
                    .append(Usd.cents(usage.costUsd())).append('\n');
        }
        text.append("- **Total: ").append(Usd.cents(summary.totalUsd())).append("**\n");
        return text.toString();
    }

    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    private static boolean lastLineIsTableRow(String existing) {
        String trimmed = existing.stripTrailing();
        int lastBreak = trimmed.lastIndexOf('\n');
        String lastLine = trimmed.substring(lastBreak + 1);
        return !trimmed.isEmpty() && lastLine.startsWith("|") && existing.endsWith("\n") && !existing.endsWith("\n\n");
    }

    private interface Addition {
        String after(String existing);
    }

    /** Appends under an exclusive file lock, so two processes never interleave their lines. */
    private void append(Addition addition) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            // a link planted where the log is (orchestration_log.md -> ~/.bashrc) is refused, not appended to
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                FileLock lock = channel.lock();
                try {
                    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(channel.size()));
                    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                        continue; // the addition depends on how the whole file ends
                    }
                    String existing = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
                    channel.write(ByteBuffer.wrap(addition.after(existing).getBytes(StandardCharsets.UTF_8)), channel.size());
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw KleiberException.failed(file + ": cannot append to the orchestration log: " + e.getMessage(), e);
        }
    }
}
