package dev.kleiber.agent;

import dev.kleiber.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The file tools: every path goes through the {@link PathGuard} first and every output is capped. */
final class FileTools {
    static final int DEFAULT_READ_LINES = 2000;
    static final int MAX_LINE_CHARS = 2000;
    static final int MAX_OUTPUT_CHARS = 64 * 1024;
    static final int MAX_LISTED_FILES = 1000;
    static final int MAX_SEARCH_MATCHES = 200;
    static final int MAX_SEARCH_LINE_CHARS = 300;
    static final long MAX_SEARCHED_FILE_BYTES = 4L * 1024 * 1024;
    /** Matches past this many characters of one line are not found; it keeps a minified file's search bounded. */
    static final int MAX_SEARCHED_LINE_CHARS = 64 * 1024;
    /** How far past the lines shown read_file still counts lines, so that a huge file is not read to its end. */
    static final long MAX_COUNTED_CHARS = 64L * 1024 * 1024;
    /** edit_file holds the whole file in memory twice; larger files are edited with a command. */
    static final long MAX_EDITED_FILE_BYTES = 8L * 1024 * 1024;
    private static final int BINARY_PROBE_BYTES = 8192;
    private static final long SEARCH_TIME_LIMIT_NANOS = 10_000_000_000L;

    private final PathGuard guard;

    FileTools(PathGuard guard) {
        this.guard = guard;
    }

    Step readFile(String path, int offset, int limit) {
        PathGuard.Decision decision = guard.checkRead(path);
        if (!(decision instanceof PathGuard.Decision.Allowed allowed)) {
            return Step.fromDecision((PathGuard.Decision.Refused) decision);
        }
        Path file = allowed.path();
        if (Files.isDirectory(file)) {
            return new Step.Failed("'" + allowed.relative() + "' is a directory; use list_files to see what it holds");
        }
        if (!Files.isRegularFile(file)) {
            return new Step.Failed("there is no file '" + allowed.relative() + "'");
        }
        try {
            if (isBinary(file)) {
                return new Step.Failed("'" + allowed.relative() + "' looks binary (it contains NUL bytes); "
                        + "read_file shows text only");
            }
            StringBuilder out = new StringBuilder();
            long lineNumber = 0;
            long lastShown = 0;
            boolean outputFull = false;
            boolean counted = true;
            try (LineReader reader = lenientReader(file, MAX_LINE_CHARS)) {
                long afterWindow = 0;
                for (var next = reader.next(); next.isPresent(); next = reader.next()) {
                    lineNumber++;
                    LineReader.Line line = next.get();
                    if (lineNumber < offset || lineNumber >= (long) offset + limit || outputFull) {
                        // counting the lines of a huge file past the window would take as long as reading it
                        afterWindow += lineNumber >= offset ? line.length() + 1 : 0;
                        if (afterWindow > MAX_COUNTED_CHARS) {
                            counted = false;
                            break;
                        }
                        continue;
                    }
                    String shown = line.cut()
                            ? line.text() + " [... line cut: it has " + line.length() + " characters; read_file shows the first "
                            + MAX_LINE_CHARS + "]"
                            : line.text();
                    String numbered = String.format("%6d\t%s%n", lineNumber, shown);
                    if (out.length() + numbered.length() > MAX_OUTPUT_CHARS) {
                        outputFull = true;
                        continue;
                    }
                    out.append(numbered);
                    lastShown = lineNumber;
                }
            }
            if (lineNumber == 0) {
                return new Step.Done("(" + allowed.relative() + " is empty)", "read " + allowed.relative() + ", empty");
            }
            if (offset > lineNumber) {
                return new Step.Failed("offset " + offset + " is past the end of '" + allowed.relative() + "', which has "
                        + lineNumber + " lines");
            }
            String total = counted ? String.valueOf(lineNumber) : "more than " + lineNumber;
            if (lastShown < lineNumber || !counted) {
                out.append("[showing lines ").append(offset).append('-').append(lastShown).append(" of ")
                        .append(total).append("; read on with offset=").append(lastShown + 1).append("]\n");
            }
            return new Step.Done(out.toString(),
                    "read " + allowed.relative() + " lines " + offset + "-" + lastShown + " of " + total);
        } catch (IOException e) {
            return new Step.Failed("'" + allowed.relative() + "' cannot be read: " + e.getMessage());
        }
    }

    Step listFiles(String path, String pattern) {
        PathGuard.Decision decision = guard.checkRead(path);
        if (!(decision instanceof PathGuard.Decision.Allowed allowed)) {
            return Step.fromDecision((PathGuard.Decision.Refused) decision);
        }
        Glob glob;
        try {
            glob = pattern.isEmpty() ? Glob.path("**") : Glob.path(pattern);
        } catch (RuntimeException e) {
            return new Step.Failed("pattern: " + e.getMessage());
        }
        if (!Files.isDirectory(allowed.path())) {
            return Files.exists(allowed.path())
                    ? new Step.Failed("'" + allowed.relative() + "' is a file, not a directory; use read_file")
                    : new Step.Failed("there is no directory '" + allowed.relative() + "'");
        }
        boolean byName = !pattern.contains("/");
        List<String> found = new ArrayList<>();
        try {
            walkReadable(allowed.path(), file -> {
                String underDir = allowed.path().relativize(file).toString();
                String candidate = byName ? file.getFileName().toString() : underDir;
                if (glob.matches(candidate)) {
                    found.add(guard.root().relativize(file).toString());
                }
                return true;
            });
        } catch (IOException e) {
            return new Step.Failed("'" + allowed.relative() + "' cannot be listed: " + e.getMessage());
        }
        found.sort(null);
        if (found.isEmpty()) {
            return new Step.Done("(no files" + (pattern.isEmpty() ? "" : " match '" + pattern + "'") + " under "
                    + allowed.relative() + ")", "listed 0 files");
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (String file : found) {
            if (shown == MAX_LISTED_FILES || out.length() + file.length() + 1 > MAX_OUTPUT_CHARS) {
                break;
            }
            out.append(file).append('\n');
            shown++;
        }
        if (shown < found.size()) {
            out.append("[... and ").append(found.size() - shown).append(" more files; narrow with path or pattern]\n");
        }
        return new Step.Done(out.toString(), "listed " + found.size() + " files");
    }

    Step search(String regex, String path) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return new Step.Failed("pattern is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
        PathGuard.Decision decision = guard.checkRead(path);
        if (!(decision instanceof PathGuard.Decision.Allowed allowed)) {
            return Step.fromDecision((PathGuard.Decision.Refused) decision);
        }
        if (!Files.exists(allowed.path())) {
            return new Step.Failed("there is no file or directory '" + allowed.relative() + "'");
        }
        StringBuilder out = new StringBuilder();
        int[] matches = {0};
        boolean[] more = {false};
        long deadline = System.nanoTime() + SEARCH_TIME_LIMIT_NANOS;
        try {
            walkReadable(allowed.path(), file -> {
                if (Files.size(file) > MAX_SEARCHED_FILE_BYTES || isBinary(file)) {
                    return true;
                }
                String relative = guard.root().relativize(file).toString();
                try (LineReader reader = lenientReader(file, MAX_SEARCHED_LINE_CHARS)) {
                    int number = 0;
                    for (var next = reader.next(); next.isPresent(); next = reader.next()) {
                        String line = next.get().text();
                        number++;
                        Matcher matcher = pattern.matcher(new Deadline(line, deadline));
                        if (!matcher.find()) {
                            continue;
                        }
                        if (matches[0] == MAX_SEARCH_MATCHES || out.length() > MAX_OUTPUT_CHARS) {
                            more[0] = true;
                            return false;
                        }
                        String shown = line.length() > MAX_SEARCH_LINE_CHARS
                                ? line.substring(0, MAX_SEARCH_LINE_CHARS) + " [...]" : line;
                        out.append(relative).append(':').append(number).append(": ").append(shown).append('\n');
                        matches[0]++;
                    }
                }
                return true;
            });
        } catch (Deadline.Expired e) {
            return new Step.Failed("the search took longer than " + SEARCH_TIME_LIMIT_NANOS / 1_000_000_000L
                    + " s and was stopped; use a simpler pattern or a narrower path");
        } catch (IOException e) {
            return new Step.Failed("'" + allowed.relative() + "' cannot be searched: " + e.getMessage());
        }
        if (matches[0] == 0) {
            return new Step.Done("(no matches for /" + regex + "/ under " + allowed.relative() + ")", "0 matches");
        }
        if (more[0]) {
            out.append("[... more matches not shown; narrow the pattern or the path]\n");
        }
        return new Step.Done(out.toString(), matches[0] + (more[0] ? "+" : "") + " matches");
    }

    Step writeFile(String path, String content) {
        PathGuard.Decision decision = guard.checkWrite(path);
        if (!(decision instanceof PathGuard.Decision.Allowed allowed)) {
            return Step.fromDecision((PathGuard.Decision.Refused) decision);
        }
        if (Files.isDirectory(allowed.path(), LinkOption.NOFOLLOW_LINKS)) {
            return new Step.Failed("'" + allowed.relative() + "' is a directory");
        }
        boolean existed = Files.exists(allowed.path(), LinkOption.NOFOLLOW_LINKS);
        try {
            Path parent = allowed.path().getParent();
            Files.createDirectories(parent);
            // Created folders are plain ones the guard approved; check no symlink slipped in meanwhile.
            if (!parent.toRealPath().equals(parent)) {
                return new Step.Refused("'" + allowed.relative() + "': its folder changed while being written");
            }
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(allowed.path(), bytes);
            return new Step.Done((existed ? "Replaced " : "Created ") + allowed.relative() + " (" + bytes.length
                    + " bytes, " + lineCount(content) + " lines)",
                    (existed ? "replaced " : "created ") + allowed.relative() + ", " + bytes.length + " bytes");
        } catch (IOException e) {
            return new Step.Failed("'" + allowed.relative() + "' cannot be written: " + e.getMessage());
        }
    }

    Step editFile(String path, String oldText, String newText) {
        PathGuard.Decision decision = guard.checkWrite(path);
        if (!(decision instanceof PathGuard.Decision.Allowed allowed)) {
            return Step.fromDecision((PathGuard.Decision.Refused) decision);
        }
        if (oldText.isEmpty()) {
            return new Step.Failed("old_text is empty; give the exact text to replace, or use write_file for a new file");
        }
        if (oldText.equals(newText)) {
            return new Step.Failed("old_text and new_text are the same; nothing to change");
        }
        if (!Files.isRegularFile(allowed.path(), LinkOption.NOFOLLOW_LINKS)) {
            return new Step.Failed("there is no file '" + allowed.relative() + "'; use write_file to create it");
        }
        try {
            if (Files.size(allowed.path()) > MAX_EDITED_FILE_BYTES) {
                return new Step.Failed("'" + allowed.relative() + "' is larger than " + MAX_EDITED_FILE_BYTES / (1024 * 1024)
                        + " MiB; edit_file changes smaller text files only");
            }
            String content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(allowed.path()))).toString();
            int first = content.indexOf(oldText);
            if (first < 0) {
                return new Step.Failed("old_text was not found in '" + allowed.relative() + "'; read the file again and "
                        + "copy the text exactly, whitespace and indentation included");
            }
            int count = 0;
            for (int at = first; at >= 0; at = content.indexOf(oldText, at + 1)) {
                count++;
            }
            if (count > 1) {
                return new Step.Failed("old_text occurs " + count + " times in '" + allowed.relative()
                        + "'; include more surrounding lines so that it matches exactly once");
            }
            String edited = content.substring(0, first) + newText + content.substring(first + oldText.length());
            AtomicFiles.write(allowed.path(), edited.getBytes(StandardCharsets.UTF_8));
            return new Step.Done("Edited " + allowed.relative() + ": replaced " + lineCount(oldText) + " lines with "
                    + lineCount(newText) + " lines", "edited " + allowed.relative());
        } catch (CharacterCodingException e) {
            return new Step.Failed("'" + allowed.relative() + "' is not UTF-8 text; edit_file changes text files only");
        } catch (IOException e) {
            return new Step.Failed("'" + allowed.relative() + "' cannot be edited: " + e.getMessage());
        }
    }

    /** A visitor over regular files; returns false to stop the walk. */
    @FunctionalInterface
    private interface FileVisit {
        boolean visit(Path file) throws IOException;
    }

    /**
     * Visits the regular files under {@code start} (or {@code start} itself) that the role may read,
     * never following symlinks and never entering {@code .git} or {@code .kleiber}.
     */
    private void walkReadable(Path start, FileVisit visit) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return PathGuard.isHidden(relative(dir)) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String relative = relative(file);
                if (!attrs.isRegularFile() || PathGuard.isHidden(relative) || !guard.permissions().mayRead(relative)) {
                    return FileVisitResult.CONTINUE;
                }
                return visit.visit(file) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private String relative(Path path) {
        return guard.root().relativize(path).toString();
    }

    private static LineReader lenientReader(Path file, int maxLineChars) throws IOException {
        return new LineReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), maxLineChars);
    }

    private static boolean isBinary(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] probe = in.readNBytes(BINARY_PROBE_BYTES);
            for (byte b : probe) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    private static long lineCount(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        long newlines = text.chars().filter(c -> c == '\n').count();
        return text.endsWith("\n") ? newlines : newlines + 1;
    }

    /** Text whose reads stop a runaway regular expression once the search's time is up. */
    private static final class Deadline implements CharSequence {
        static final class Expired extends RuntimeException {
            Expired() {
                super("search time limit passed", null, false, false);
            }
        }

        private final CharSequence text;
        private final long deadlineNanos;
        private int reads;

        Deadline(CharSequence text, long deadlineNanos) {
            this.text = text;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0xFFFF) == 0 && System.nanoTime() > deadlineNanos) {
                throw new Expired();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.subSequence(start, end), deadlineNanos);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
