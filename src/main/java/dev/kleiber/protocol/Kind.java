package dev.kleiber.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The four kinds of protocol file, each with its folder, heading word and file-name suffix. */
public enum Kind {
    TASK("tasks", "Task", ""),
    STARTED("progress", "Started", "-started"),
    COMPLETE("complete", "Complete", "-done"),
    BLOCKED("blocked", "Blocked", "-conflict");

    private final String folder;
    private final String headingWord;
    private final String fileSuffix;

    Kind(String folder, String headingWord, String fileSuffix) {
        this.folder = folder;
        this.headingWord = headingWord;
        this.fileSuffix = fileSuffix;
    }

    /** The folder at the repository root that holds this kind: {@code tasks}, {@code progress}, ... */
    public String folder() {
        return folder;
    }

    /** The word before the id in the file's heading: {@code # Task: feat-001}. */
    public String headingWord() {
        return headingWord;
    }

    /** The file name of task {@code id}: {@code feat-001.md}, {@code feat-001-started.md}, ... */
    public String fileName(String id) {
        return id + fileSuffix + ".md";
    }

    /** The id in {@code fileName} when it is named like this kind's files. */
    public Optional<String> idFromFileName(String fileName) {
        String suffix = fileSuffix + ".md";
        if (!fileName.endsWith(suffix) || fileName.length() == suffix.length() || fileName.startsWith(".")) {
            return Optional.empty();
        }
        return Optional.of(fileName.substring(0, fileName.length() - suffix.length()));
    }

    /** Lower-case name used in JSON: {@code task}, {@code started}, {@code complete}, {@code blocked}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The heading a file of this kind starts with, as a pattern for messages: {@code # Task: {task-id}}. */
    public String headingPattern() {
        return "# " + headingWord + ": {task-id}";
    }

    static Optional<Kind> ofHeadingWord(String word) {
        return Arrays.stream(values()).filter(k -> k.headingWord.equalsIgnoreCase(word.strip())).findFirst();
    }

    static Optional<Kind> ofFolder(String folderName) {
        return Arrays.stream(values()).filter(k -> k.folder.equals(folderName)).findFirst();
    }
}
