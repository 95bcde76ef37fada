package dev.kleiber.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The settings a checked-out commit carries: a validation judges a commit by the kleiber.yaml committed with it,
 * so that a change to the layout, the excludes or the commands is validated together with the code it comes with,
 * and an uncommitted edit in a person's checkout does not change the verdict on main.
 */
public final class CommittedSettings {
    private CommittedSettings() {
    }

    /** The settings in {@code worktree}'s {@code .kleiber/kleiber.yaml}; {@code fallback} when the commit has none. */
    public static KleiberConfig at(Path worktree, KleiberConfig fallback) {
        ProjectLayout layout = new ProjectLayout(worktree);
        return Files.isRegularFile(layout.configFile()) ? ProjectConfig.loadSettings(layout) : fallback;
    }
}
