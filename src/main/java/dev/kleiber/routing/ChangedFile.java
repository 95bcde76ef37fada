package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One file of a change and the lines it adds: what the diff trigger reads. {@link #parse} reads git's unified
 * diff; a deleted file is listed with no added lines, a renamed one under both names.
 */
public record ChangedFile(String path, List<String> addedLines) {
    /** A diff this long is read only this far: the trigger looks for sensitive code, not at every byte. */
    static final int MAX_ADDED_LINES = 50_000;
    static final int MAX_LINE_CHARS = 2_000;

    public ChangedFile {
        addedLines = List.copyOf(addedLines);
    }

    /** The files of a unified diff ({@code git diff --patch}), in order, with their added lines. */
    public static List<ChangedFile> parse(String diff) {
        Map<String, List<String>> files = new LinkedHashMap<>();
        List<String> current = null;
        boolean header = true;
        int added = 0;
        String[] lines = diff.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            // inside a hunk "+++ x" is the added line "++ x"; a file header comes after "diff --git" or as a
            // "--- " line directly followed by "+++ "
            boolean fileHeader = line.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ");
            if (line.startsWith("diff --git ")) {
                current = null;
                header = true;
            } else if (line.startsWith("@@")) {
                header = false;
            } else if (header || fileHeader) {
                if (fileHeader) {
                    header = true;
                }
                if (line.startsWith("--- ") || line.startsWith("+++ ")) {
                    String path = pathOf(line.substring(4));
                    if (!path.isEmpty()) {
                        current = files.computeIfAbsent(path, p -> new ArrayList<>());
                    }
                } else if (line.startsWith("rename from ") || line.startsWith("rename to ")) {
                    files.computeIfAbsent(line.substring(line.indexOf(' ', 7) + 1).strip(), p -> new ArrayList<>());
                }
            } else if (line.startsWith("+") && current != null && added < MAX_ADDED_LINES) {
                String text = line.substring(1);
                current.add(text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) : text);
                added++;
            }
        }
        List<ChangedFile> changed = new ArrayList<>();
        files.forEach((path, addedLines) -> changed.add(new ChangedFile(path, addedLines)));
        return changed;
    }

    /** {@code a/src/x.ts} or {@code b/src/x.ts} (with a tab and timestamp after it, in some diffs) to {@code src/x.ts}. */
    private static String pathOf(String header) {
        String path = header.split("\t", 2)[0].strip();
        if (path.equals("/dev/null")) {
            return "";
        }
        if (path.startsWith("\"") && path.endsWith("\"") && path.length() > 1) {
            path = path.substring(1, path.length() - 1);
        }
        return path.startsWith("a/") || path.startsWith("b/") ? path.substring(2) : path;
    }
}
