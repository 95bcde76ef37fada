package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.protocol.CheckItem;
import dev.kleiber.protocol.ModelText;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.TaskFile;
import dev.kleiber.routing.Tier;

import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Writes a routed task as the blueprint's task file, {@code tasks/{agent}/{task-id}.md}: the one place that
 * turns a planned task into what its agent reads, for {@code kleiber plan} and for every attempt of a run.
 */
public final class TaskFileWriter {
    private final Path root;

    /** @param root the repository root the {@code tasks/} folder lives in */
    public TaskFileWriter(Path root) {
        this.root = root;
    }

    /**
     * Writes the task file as an attempt on {@code tier} sees it, with {@code feedback} from an attempt before.
     * Returns what was written.
     */
    public TaskFile write(RoutedTask routed, Tier tier, OffsetDateTime created, Optional<String> feedback) {
        PlannedTask task = routed.task();
        StringBuilder context = new StringBuilder(task.context().orElse(""));
        if (!task.dependsOn().isEmpty()) {
            context.append(context.isEmpty() ? "" : "\n\n").append("Builds on ").append(String.join(", ", task.dependsOn()))
                    .append(", already merged into main.");
        }
        context.append(context.isEmpty() ? "" : "\n\n").append("Title: ").append(task.title())
                .append("\nBranch: ").append(routed.branch());
        if (!task.files().isEmpty()) {
            // The plan's files: where the agent is expected to work; all inside its write globs (plan check saw to it).
            context.append("\nFiles: ").append(String.join(", ", task.files()));
        }
        // Feedback quotes test output (TAP's '---' blocks, '# pass 5', HTML): escaped like model text so the file
        // reads back unchanged.
        feedback.ifPresent(f -> context.append("\n\nFeedback from the previous attempt:\n").append(ModelText.block(f)));
        // A line of the context that starts a heading or a fence would end the section early: escape it.
        TaskFile file = new TaskFile(task.id(), task.agent(), tier, task.priority(), created,
                task.description(), task.acceptance().stream().map(a -> new CheckItem(a, false)).toList(),
                context.toString().replaceAll("(?m)^(\\s*)(#|```|~~~)", "$1\\\\$2"),
                task.constraints().orElse("None beyond the role's."), List.of(), List.of());
        try {
            ProtocolFiles.write(root, file);
        } catch (IOException e) {
            throw KleiberException.failed("cannot write " + file.location().relativePath() + ": " + e.getMessage(), e);
        }
        return file;
    }
}
