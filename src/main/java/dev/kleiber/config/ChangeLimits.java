package dev.kleiber.config;

/**
 * How large one task's commit may be: files changed and bytes those files hold. A change past either bound is
 * refused, not committed (a command can produce 20,000 files or a gigabyte, which would reach main and every clone).
 */
public record ChangeLimits(int commitFiles, long commitBytes) {
    public static final ChangeLimits DEFAULT = new ChangeLimits(500, 20L * 1024 * 1024);

    public ChangeLimits {
        if (commitFiles < 1 || commitBytes < 1) {
            throw new IllegalArgumentException("commit limits must be positive");
        }
    }
}
