package dev.kleiber.agent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The file names an agent's change may not carry, whoever made them (a file tool or a command): names git refuses
 * or treats as {@code .git} on some file system (any case, trailing dots or spaces, an NTFS stream suffix, the 8.3
 * short name {@code GIT~1}), backslashes (one file name on Linux, a path on Windows), control and invisible
 * format characters (which hide what a name says, and which HFS+ ignores, making {@code .g\u200Cit} a {@code .git}),
 * and git's own dotfiles ({@code .gitmodules} ...) spelled so that only some file systems see them. Also the
 * append-only logs Kleiber alone writes. Pure.
 */
final class PathNames {
    /** Logs at the repository root that only Kleiber writes, and only at their end. */
    static final List<String> APPEND_ONLY_LOGS = List.of("orchestration_log.md", "PROGRESS.md", "CHANGELOG.md");

    /** git's dotfiles: the name after the dot, and the prefix of NTFS's hashed 8.3 short name for it. */
    private static final List<List<String>> GIT_DOTFILES = List.of(List.of("gitmodules", "gi7eba"),
            List.of("gitattributes", "gi7d29"), List.of("gitignore", "gi250a"), List.of("mailmap", "maba30"));
    private static final Set<String> APPEND_ONLY_LOWER = Set.of("orchestration_log.md", "progress.md", "changelog.md");

    private PathNames() {
    }

    /** Why {@code path} (as the agent wrote it, {@code /}-separated) can never be a name in the worktree; empty if it can. */
    static Optional<String> problem(String path) {
        if (path.indexOf('\\') >= 0) {
            return Optional.of("'" + shown(path) + "' contains a backslash; on Linux that is part of one file name, "
                    + "not a folder separator. Use '/' between folders");
        }
        for (int i = 0; i < path.length(); ) {
            int c = path.codePointAt(i);
            if (isHidden(c)) {
                return Optional.of("'" + shown(path) + "' contains the control or invisible character U+"
                        + String.format("%04X", c) + "; file names are visible text only");
            }
            i += Character.charCount(c);
        }
        for (String component : path.split("/")) {
            if (isDotGit(component)) {
                return Optional.of("'" + shown(path) + "' names '" + shown(component) + "', which git treats as .git; "
                        + "agents cannot touch .git");
            }
            Optional<String> dotfile = aliasOfGitDotfile(component);
            if (dotfile.isPresent()) {
                return Optional.of("'" + shown(path) + "' names '" + shown(component) + "', another spelling of "
                        + dotfile.get() + " that git refuses; write " + dotfile.get() + " itself");
            }
        }
        return Optional.empty();
    }

    /** {@code .git} as git protects it on NTFS and HFS+: any case, trailing dots or spaces, a {@code :stream}, {@code GIT~1}. */
    static boolean isDotGit(String component) {
        String name = ntfsName(component);
        return name.equals(".git") || name.equals("git~1");
    }

    /** Whether a symlink named {@code component} is refused by git: {@code .gitmodules}, {@code .gitattributes} ... in any spelling. */
    static boolean isGitDotfile(String component) {
        String name = ntfsName(component);
        return GIT_DOTFILES.stream().anyMatch(d -> name.equals("." + d.get(0))) || aliasOfGitDotfile(component).isPresent();
    }

    /** Whether {@code relative} (worktree-relative, {@code /}-separated) is one of the append-only logs at the root. */
    static boolean isAppendOnlyLog(String relative) {
        return APPEND_ONLY_LOWER.contains(relative.toLowerCase(Locale.ROOT));
    }

    /** The dotfile {@code component} is an alias of without being exactly it ({@code .gitmodules.}, {@code GITMOD~1}). */
    private static Optional<String> aliasOfGitDotfile(String component) {
        String name = ntfsName(component);
        for (List<String> dotfile : GIT_DOTFILES) {
            String real = "." + dotfile.get(0);
            boolean alias = (name.equals(real) && !component.equals(real))
                    || name.matches(java.util.regex.Pattern.quote(dotfile.get(0).substring(0, 6)) + "~[1-4]")
                    || name.matches(java.util.regex.Pattern.quote(dotfile.get(1)) + "~[1-9]");
            if (alias) {
                return Optional.of(real);
            }
        }
        return Optional.empty();
    }

    /** The name NTFS opens: no stream suffix after ':', no trailing dots or spaces, any case. */
    private static String ntfsName(String component) {
        int colon = component.indexOf(':');
        String name = colon >= 0 ? component.substring(0, colon) : component;
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
            end--;
        }
        // "." and ".." are folder references, not names with trailing dots
        return name.equals(".") || name.equals("..") ? name : name.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static boolean isHidden(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }

    /** A name quoted in a message, its control characters made visible and its length bounded. */
    private static String shown(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(120).forEach(c -> {
            if (isHidden(c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 120 ? out + "..." : out.toString();
    }
}
