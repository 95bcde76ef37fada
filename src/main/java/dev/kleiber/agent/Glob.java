package dev.kleiber.agent;

import dev.kleiber.KleiberException;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A glob over worktree-relative paths ({@code src/backend/**}, {@code **}{@code /*.md}) or over a whole
 * command line ({@code npm test*}). In a path glob {@code *} and {@code ?} stay inside one path
 * component and a whole component {@code **} matches zero or more directories, so {@code docs/**}
 * matches {@code docs/a.md} and {@code docs/adr/1.md}, and {@code **}{@code /*.md} matches
 * {@code README.md}. In a command glob {@code *} matches anything, spaces and slashes included.
 */
public final class Glob {
    private final String text;
    private final Pattern regex;
    private final boolean pathGlob;

    private Glob(String text, Pattern regex, boolean pathGlob) {
        this.text = text;
        this.regex = regex;
        this.pathGlob = pathGlob;
    }

    /** A glob over worktree-relative paths written with {@code /}; refuses absolute globs and {@code ..}. */
    public static Glob path(String glob) {
        if (glob.isBlank()) {
            throw KleiberException.badInput("path glob is empty");
        }
        if (glob.startsWith("/")) {
            throw KleiberException.badInput("path glob '" + glob + "' must be relative to the worktree (no leading /)");
        }
        for (String component : glob.split("/", -1)) {
            if (component.equals("..") || component.equals(".")) {
                throw KleiberException.badInput("path glob '" + glob + "' must not contain '" + component + "'");
            }
            if (component.contains("**") && !component.equals("**")) {
                throw KleiberException.badInput("path glob '" + glob + "': ** must be a whole path component");
            }
        }
        return new Glob(glob, Pattern.compile(pathRegex(glob)), true);
    }

    /** A glob over a whole command line: {@code *} matches any text, {@code ?} one character. */
    public static Glob commandLine(String glob) {
        if (glob.isBlank()) {
            throw KleiberException.badInput("command pattern is empty");
        }
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(glob, Pattern.compile(regex.toString(), Pattern.DOTALL), false);
    }

    /** Whether {@code candidate} (a relative path with {@code /}, or a command line) matches. */
    public boolean matches(String candidate) {
        return regex.matcher(candidate).matches();
    }

    /**
     * For a glob of the form {@code some/dir/**}: that directory, which holds everything the glob
     * matches and nothing else. Empty for any other shape ({@code **}{@code /*.md}, {@code src/*.ts},
     * {@code CHANGELOG.md}, a bare {@code **}), because no single directory is exactly that set.
     */
    public Optional<String> exactDirectory() {
        if (!pathGlob || !text.endsWith("/**")) {
            return Optional.empty();
        }
        String dir = text.substring(0, text.length() - 3);
        if (dir.isEmpty() || dir.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
            return Optional.empty();
        }
        return Optional.of(dir);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Glob glob && glob.pathGlob == pathGlob && glob.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + Boolean.hashCode(pathGlob);
    }

    private static String pathRegex(String glob) {
        String[] components = glob.split("/", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < components.length; i++) {
            String component = components[i];
            boolean last = i == components.length - 1;
            if (component.equals("**")) {
                // Zero or more whole components, with the separators they bring along.
                if (last) {
                    regex.append(i == 0 ? ".*" : "(?:/.*)?");
                } else {
                    regex.append(i == 0 ? "(?:[^/]+/)*" : "(?:/[^/]+)*/");
                }
                continue;
            }
            if (i > 0 && !components[i - 1].equals("**")) {
                regex.append('/');
            }
            for (char c : component.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append("[^/]*");
                    case '?' -> regex.append("[^/]");
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
        }
        return regex.toString();
    }
}
