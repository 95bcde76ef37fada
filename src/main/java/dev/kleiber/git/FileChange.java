package dev.kleiber.git;

/** One file a commit range changed. Renames are reported as a deletion and a creation. */
public record FileChange(String path, Kind kind) {
    public enum Kind { CREATED, MODIFIED, DELETED }
}
