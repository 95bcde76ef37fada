package dev.kleiber.claudecode;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Kleiber's record of what the {@code kleiber guard} hook denies in a Claude Code session, kept in Kleiber's process:
 * each tool call of the model's answers is judged, as it passes the metering proxy, by the same {@link ToolGuard} the
 * hook runs inside the sandbox. The hook enforces and tells the model why; this record is what the run reports. The
 * sandboxed agent has no file or socket to write it through, so it can neither forge nor erase a line of it.
 */
final class DenialRecord implements Consumer<ModelToolCalls.Call> {
    /** Enough to act on; the rest is counted (a hostile model could ask for a great many writes). */
    static final int MAX_KEPT = 100;

    private final ToolGuard guard;
    private final List<String> denials = new ArrayList<>();
    private int more;

    DenialRecord(ToolGuard guard) {
        this.guard = guard;
    }

    @Override
    public synchronized void accept(ModelToolCalls.Call call) {
        ObjectNode hookInput = JsonNodeFactory.instance.objectNode().put("tool_name", call.name());
        hookInput.set("tool_input", call.input());
        if (guard.judge(hookInput) instanceof ToolGuard.Verdict.Deny deny) {
            if (denials.size() < MAX_KEPT) {
                denials.add(call.name() + ": " + deny.reason());
            } else {
                more++;
            }
        }
    }

    /** The denials in the order the model asked, and how many more there were past {@link #MAX_KEPT}. */
    synchronized List<String> denials() {
        List<String> all = new ArrayList<>(denials);
        if (more > 0) {
            all.add("and " + more + " more denied tool calls");
        }
        return List.copyOf(all);
    }
}
