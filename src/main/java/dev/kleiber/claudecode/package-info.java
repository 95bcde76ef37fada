/**
 * Claude Code as a Kleiber worker: {@code claude -p} runs headless in the task's worktree on the routed model, every
 * API call it makes passes Kleiber's {@link dev.kleiber.claudecode.MeteringProxy} (budget reserved, ledger written,
 * the real key added only there), and a {@code PreToolUse} hook ({@code kleiber guard}) holds its writes to the
 * role's paths.
 */
package dev.kleiber.claudecode;
