package dev.kleiber.store;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Where a task is in its life. Only the transitions in {@link #next()} are allowed. */
public enum TaskState {
    PLANNED, QUEUED, RUNNING, VALIDATING, AWAITING_REVIEW, MERGED, BLOCKED, FAILED, CANCELLED;

    /** The states this one may move to. Merged, failed and cancelled are final. */
    public Set<TaskState> next() {
        return switch (this) {
            case PLANNED -> EnumSet.of(QUEUED, BLOCKED, CANCELLED);
            case QUEUED -> EnumSet.of(RUNNING, BLOCKED, CANCELLED);
            // back to queued: the lease expired, or the task escalates to a higher tier and starts again
            case RUNNING -> EnumSet.of(VALIDATING, QUEUED, BLOCKED, FAILED, CANCELLED);
            case VALIDATING -> EnumSet.of(AWAITING_REVIEW, MERGED, QUEUED, BLOCKED, FAILED, CANCELLED);
            case AWAITING_REVIEW -> EnumSet.of(MERGED, QUEUED, BLOCKED, FAILED, CANCELLED);
            case BLOCKED -> EnumSet.of(QUEUED, FAILED, CANCELLED);
            case MERGED, FAILED, CANCELLED -> EnumSet.noneOf(TaskState.class);
        };
    }

    public boolean canMoveTo(TaskState target) {
        return next().contains(target);
    }

    /** A worker holds a lease on the task while it is in this state. */
    public boolean isLeased() {
        return this == RUNNING || this == VALIDATING;
    }

    /** The lower-case name used in the store and in output: {@code awaiting_review}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TaskState> parse(String text) {
        for (TaskState state : values()) {
            if (state.id().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    static TaskState fromStore(String id) {
        return parse(id).orElseThrow(() -> new IllegalStateException("unknown task state in the store: " + id));
    }

    @Override
    public String toString() {
        return id();
    }
}
