package dev.kleiber.git;

import java.nio.file.Path;
import java.util.Optional;

/** A linked worktree: its folder, the branch checked out there (none when detached) and its HEAD commit. */
public record Worktree(Path path, Optional<String> branch, String head) {
}
