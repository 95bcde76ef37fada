package dev.kleiber.scribe;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the project's memory from the protocol files, deterministically: the same merged work gives the
 * same text. CHANGELOG.md and PROGRESS.md only ever grow at their end; an ADR is written once per
 * decision, so a resumed run that records the same task again changes nothing.
 */
public final class Scribe {
    private static final Pattern ADR_FILE = Pattern.compile("(\\d{4})-.*\\.md");
    private static final String CHANGELOG_HEADER = "# Changelog\n\nAll notable changes to this project. "
            + "Entries are added by the scribe after each merge; append-only.\n";
    private static final String PROGRESS_HEADER = "# Progress\n\nSession summaries, newest last. "
            + "Kept by the scribe; append-only.\n";

    private final Path root;

    public Scribe(Path repositoryRoot) {
        this.root = repositoryRoot;
    }

    /** Records merged work: a CHANGELOG entry and one ADR per decision. Returns the files it wrote. */
    public List<Path> record(MergedWork work) {
        List<Path> written = new ArrayList<>();
        Path changelog = root.resolve("CHANGELOG.md");
        String marker = "(" + work.taskId() + ")";
        String existing = read(changelog).orElse("");
        if (!existing.lines().anyMatch(line -> line.startsWith("- ") && line.endsWith(marker))) {
            String day = "## " + work.mergedAt().toLocalDate();
            StringBuilder entry = new StringBuilder();
            if (existing.isEmpty()) {
                entry.append(CHANGELOG_HEADER);
            }
            if (!lastHeading(existing).equals(Optional.of(day))) {
                entry.append(blankLineAfter(existing.isEmpty() ? CHANGELOG_HEADER : existing)).append(day).append("\n\n");
            }
            entry.append("- ").append(oneLine(work.title())).append(": ").append(oneLine(work.summary()))
                    .append(" — ").append(work.agent()).append(" on ").append(work.model()).append(' ')
                    .append(marker).append('\n');
            append(changelog, existing, entry.toString());
            written.add(changelog);
        }
        for (String decision : work.decisions()) {
            writeAdr(work, decision).ifPresent(written::add);
        }
        return written;
    }

    /** Appends a session summary to PROGRESS.md. */
    public Path summarize(SessionSummary session) {
        Path progress = root.resolve("PROGRESS.md");
        String existing = read(progress).orElse("");
        StringBuilder text = new StringBuilder(existing.isEmpty() ? PROGRESS_HEADER : "");
        text.append(blankLineAfter(existing.isEmpty() ? PROGRESS_HEADER : existing))
                .append("## Session ").append(session.endedAt()).append(" (run ").append(session.runId()).append(")\n\n")
                .append("Request: ").append(oneLine(session.request())).append("\n\n")
                .append("- Merged: ").append(list(session.merged())).append('\n')
                .append("- Awaiting human review: ").append(list(session.awaitingReview())).append('\n')
                .append("- Blocked: ").append(list(session.blocked())).append('\n')
                .append("- Failed: ").append(list(session.failed())).append('\n')
                .append("- Cost: $").append(session.costUsd().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString())
                .append('\n');
        append(progress, existing, text.toString());
        return progress;
    }

    private Optional<Path> writeAdr(MergedWork work, String decision) {
        Path folder = root.resolve("docs/decisions");
        String trace = "Task: " + work.taskId();
        String decisionLine = oneLine(decision);
        int highest = 0;
        try {
            Files.createDirectories(unlinked(folder));
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Matcher m = ADR_FILE.matcher(file.getFileName().toString());
                    if (!m.matches() || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    if (text.contains(trace + " ") && text.contains(decisionLine)) {
                        return Optional.empty();
                    }
                }
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot read " + folder + ": " + e.getMessage(), e);
        }
        int number = highest + 1;
        String title = adrTitle(decisionLine);
        Path file = folder.resolve("%04d-%s.md".formatted(number, slug(title)));
        String text = """
                # %d. %s

                Date: %s
                Status: Accepted
                %s (%s, %s)

                ## Context
                %s

                ## Decision
                %s

                ## Consequences
                Recorded from the done file of %s; revisit with a new ADR that supersedes this one.
                """.formatted(number, title, work.mergedAt().toLocalDate(), trace, work.agent(), work.model(),
                oneLine(work.title()) + ": " + oneLine(work.summary()), decisionLine, work.taskId());
        append(file, "", text);
        return Optional.of(file);
    }

    /** "Chose X over Y because Z" → "Chose X over Y". */
    static String adrTitle(String decision) {
        String title = decision.split("(?i)\\s+because\\s+", 2)[0].replaceAll("[.:;,]+$", "").strip();
        if (title.length() > 72) {
            title = title.substring(0, 72).replaceFirst("\\s+\\S*$", "") + "…";
        }
        return title.isEmpty() ? "Decision" : Character.toUpperCase(title.charAt(0)) + title.substring(1);
    }

    static String slug(String text) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 50) {
            slug = slug.substring(0, 50).replaceAll("-[^-]*$", "");
        }
        return slug.isEmpty() ? "decision" : slug;
    }

    private static Optional<String> lastHeading(String text) {
        return text.lines().filter(line -> line.startsWith("## ")).reduce((a, b) -> b).map(String::strip);
    }

    /** What to write after {@code text} so that a blank line follows it ({@link #append} ends a last line). */
    private static String blankLineAfter(String text) {
        return text.endsWith("\n\n") ? "" : "\n";
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Refuses a record whose path leads through a symbolic link, component by component from the repository's root: a
     * link a merged change planted ({@code CHANGELOG.md -> ~/.ssh/id_ed25519}, {@code docs/decisions -> /etc}) would
     * have Kleiber copy a secret into main or append outside the repository, as root in a container.
     */
    private Path unlinked(Path file) {
        Path relative = root.relativize(file);
        Path at = root;
        for (Path part : relative) {
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                throw KleiberException.failed(relative + ": " + root.relativize(at) + " is a symbolic link; Kleiber "
                        + "writes the project's records (CHANGELOG.md, PROGRESS.md, docs/decisions) itself and follows no "
                        + "link in them. Replace it with a plain file or folder.");
            }
        }
        return file;
    }

    private Optional<String> read(Path file) {
        unlinked(file);
        try {
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw KleiberException.failed("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends at the end only (never rewrites), then syncs, so earlier content is safe even on a crash. */
    private void append(Path file, String existing, String text) {
        String addition = !existing.isEmpty() && !existing.endsWith("\n") ? "\n" + text : text;
        try {
            Files.createDirectories(unlinked(file).getParent());
            // no link at the last component either, should one appear since the check
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
                channel.write(java.nio.ByteBuffer.wrap(addition.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
