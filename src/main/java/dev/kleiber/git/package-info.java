/** Git through its command line: worktrees, branches, commits with Kleiber's trailers, and merges that never touch a user's uncommitted work. */
package dev.kleiber.git;
