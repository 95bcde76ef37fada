package dev.kleiber.git;

import java.util.List;

/** How merging a branch into the target went. A conflicted merge leaves nothing behind. */
public sealed interface MergeResult {
    /** The target now points at {@code commit}. */
    record Merged(String commit) implements MergeResult {
    }

    /** Nothing was merged; these files conflicted. */
    record Conflicted(List<String> files) implements MergeResult {
        public Conflicted {
            files = List.copyOf(files);
        }
    }
}
