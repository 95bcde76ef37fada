package dev.kleiber.conductor;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The plans {@code kleiber plan} keeps for {@code kleiber run --plan}: {@code .kleiber/plans/{plan-id}.yaml}, beside
 * the project's settings, tracked by git so a team can review them, and read-only to agents (they cannot touch
 * {@code .kleiber}), so the plan a person approved is the plan that runs.
 */
public final class PlanFiles {
    private static final DateTimeFormatter PLAN_ID = DateTimeFormatter.ofPattern("'plan-'yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Path folder;

    public PlanFiles(ProjectLayout layout) {
        this.folder = layout.kleiberDir().resolve("plans");
    }

    /** {@code plan-YYYYMMDD-HHMMSS} for {@code now}, with {@code -2}, {@code -3}… when a plan of that id exists. */
    public String freshId(Instant now) {
        String base = PLAN_ID.format(now);
        String id = base;
        for (int n = 2; Files.exists(fileOf(id)); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /**
     * Writes the plan's {@code text} under a header saying where it came from ({@code origin}, one or more lines)
     * and how to run it; atomically. Returns the file.
     */
    public Path write(String planId, Instant at, String origin, String text) {
        Path target = fileOf(planId);
        try {
            AtomicFiles.write(target, header(planId, at, origin) + text);
        } catch (IOException e) {
            throw KleiberException.failed("cannot write the plan " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    private Path fileOf(String planId) {
        return folder.resolve(planId + ".yaml");
    }

    private static String header(String planId, Instant at, String origin) {
        StringBuilder text = new StringBuilder("# Plan " + planId + ", made by `kleiber plan` at "
                + at.truncatedTo(ChronoUnit.SECONDS) + " from\n");
        origin.lines().forEach(line -> text.append("#   ").append(line).append('\n'));
        text.append("# Run exactly this plan with: kleiber run --plan .kleiber/plans/").append(planId).append(".yaml\n");
        return text.toString();
    }
}
