package dev.kleiber.agent;

/** Where {@link ToolExecutor} records what each tool call did; the runtime stores these as run events. */
@FunctionalInterface
public interface ToolEvents {
    void record(ToolEvent event);
}
