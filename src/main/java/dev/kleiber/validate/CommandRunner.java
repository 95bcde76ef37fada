package dev.kleiber.validate;

import java.nio.file.Path;

/**
 * Runs one validation command in a worktree, inside the sandbox with the validator's rights (read-only
 * source, writable build outputs, no network), and reports it as a check. Implemented beside the
 * command sandbox; a non-zero exit is {@link CheckStatus#FAIL} with the exit code in the summary and the
 * command's output (stdout and stderr, secrets already removed) as the output; a timeout is a failure
 * saying so.
 */
public interface CommandRunner {
    CheckResult run(CommandCheck command, Path worktree);
}
