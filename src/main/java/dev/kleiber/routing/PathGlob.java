package dev.kleiber.routing;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

/**
 * A repository path glob as people write them: one without a slash matches the file name anywhere
 * ({@code *.pem}), and a leading {@code **}{@code /} also matches at the root ({@code **}{@code /*permission*}
 * matches {@code permissions.ts} as well as {@code src/acl/permission_check.py}). Case is compared as written.
 */
record PathGlob(String pattern, PathMatcher matcher, PathMatcher rootMatcher, boolean byName) {

    static PathGlob of(String pattern) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        PathMatcher root = pattern.startsWith("**/")
                ? FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)) : matcher;
        return new PathGlob(pattern, matcher, root, !pattern.contains("/"));
    }

    /** The reason a pattern is not a glob, for an error that points at it; empty when it is one. */
    static java.util.Optional<String> problem(String pattern) {
        if (pattern.isBlank()) {
            return java.util.Optional.of("a path glob must not be empty");
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            return java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of("'" + pattern + "' is not a valid path glob: " + e.getMessage());
        }
    }

    boolean matches(String file) {
        try {
            Path path = Path.of(file.startsWith("./") ? file.substring(2) : file);
            if (byName) {
                Path name = path.getFileName();
                return name != null && matcher.matches(name);
            }
            return matcher.matches(path) || rootMatcher.matches(path);
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
