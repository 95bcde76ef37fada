package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectLayout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A task's protocol files ({@code tasks/AGENT/ID.md}, {@code progress/AGENT/ID-started.md},
 * {@code complete/AGENT/ID-done.md}, {@code blocked/AGENT/ID-*.md}) with their text, for people to read in the
 * dashboard. The documents are served to anyone with a read token, so only markdown files that really lie inside
 * one of the four protocol folders are read: no symbolic link is followed, no hidden file or folder is read
 * ({@code .env}), every path is checked component by component after resolving it, and each text is cut at
 * {@link #MAX_FILE_BYTES}, the whole set at {@link #MAX_FILES} files and {@link #MAX_TOTAL_BYTES}.
 */
public final class TaskProtocolTexts {
    static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_TOTAL_BYTES = 256 * 1024;
    static final int MAX_FILES = 16;
    /** An Anthropic key never reaches a response, even if an agent copied one into a file it wrote. */
    private static final Pattern API_KEY = Pattern.compile("sk-ant-[A-Za-z0-9_\\-]+");

    /** One protocol file: its path relative to the repository, its folder, its text and whether the text was cut. */
    public record File(String path, String folder, String text, long sizeBytes, boolean truncated) {
    }

    private final Path root;

    public TaskProtocolTexts(Path root) {
        this.root = root;
    }

    /** {@code taskId}'s protocol files with their text, sorted by path, within the bounds above. */
    public List<File> read(String taskId) {
        Path realRoot = realRoot();
        List<File> files = new ArrayList<>();
        int budget = MAX_TOTAL_BYTES;
        for (Path file : found(realRoot, taskId)) {
            if (files.size() == MAX_FILES) {
                break;
            }
            File read = read(realRoot.relativize(file), file, Math.min(MAX_FILE_BYTES, budget));
            budget -= read.text().getBytes(StandardCharsets.UTF_8).length;
            files.add(read);
        }
        return files;
    }

    /**
     * {@code folder/name} in the repository, read under the same rules (no link followed, resolved inside
     * {@code folder}, nothing hidden), cut at {@code limit} bytes; empty when it is not a plain file there.
     */
    public Optional<File> readOne(String folder, String name, int limit) {
        Path realRoot = realRoot();
        Path dir = realRoot.resolve(folder);
        Path file = dir.resolve(name);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                || !inside(realRoot, folder, file)) {
            return Optional.empty();
        }
        return Optional.of(read(realRoot.relativize(file), file, limit));
    }

    private static List<Path> found(Path realRoot, String taskId) {
        List<Path> found = new ArrayList<>();
        for (String folder : ProjectLayout.PROTOCOL_FOLDERS) {
            Path dir = realRoot.resolve(folder);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue; // absent, or a link to somewhere else
            }
            try (Stream<Path> walk = Files.walk(dir, 2)) {
                walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> belongsTo(p.getFileName().toString(), taskId))
                        .filter(p -> inside(realRoot, folder, p))
                        .forEach(found::add);
            } catch (IOException e) {
                throw KleiberException.failed("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        found.sort(Comparator.comparing(p -> realRoot.relativize(p).toString()));
        return found;
    }

    private static boolean belongsTo(String name, String taskId) {
        return name.endsWith(".md") && (name.equals(taskId + ".md") || name.startsWith(taskId + "-"));
    }

    /**
     * Whether {@code file}, resolved, lies in {@code folder} of the repository: compared component by component
     * (a sibling {@code tasks-old/} is not {@code tasks/}), with no component that is empty, a parent reference or
     * hidden.
     */
    static boolean inside(Path realRoot, String folder, Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return false; // gone since it was listed
        }
        if (!real.startsWith(realRoot.resolve(folder))) {
            return false;
        }
        Path relative = realRoot.relativize(real);
        if (relative.getNameCount() < 2 || !relative.getName(0).toString().equals(folder)) {
            return false;
        }
        for (Path part : relative) {
            String name = part.toString();
            if (name.isEmpty() || name.equals("..") || name.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static File read(Path relative, Path file, int limit) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            int bounded = Math.max(0, limit);
            byte[] bytes = in.readNBytes(bounded + 1);
            boolean cut = bytes.length > bounded;
            String text = new String(bytes, 0, Math.min(bytes.length, bounded), StandardCharsets.UTF_8);
            return new File(relative.toString(), relative.getName(0).toString(),
                    API_KEY.matcher(text).replaceAll("sk-ant-[redacted]"), Files.size(file), cut);
        } catch (IOException e) {
            throw KleiberException.failed("cannot read " + relative + ": " + e.getMessage(), e);
        }
    }

    private Path realRoot() {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw KleiberException.failed("cannot resolve the repository " + root + ": " + e.getMessage(), e);
        }
    }
}
