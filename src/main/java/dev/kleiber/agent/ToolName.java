package dev.kleiber.agent;

import java.util.Arrays;
import java.util.Optional;

/** The tools an agent can be given, by the names the model sees (DESIGN.md "Contracts"). */
public enum ToolName {
    READ_FILE("read_file", Kind.READ),
    LIST_FILES("list_files", Kind.READ),
    SEARCH("search", Kind.READ),
    WRITE_FILE("write_file", Kind.WRITE),
    EDIT_FILE("edit_file", Kind.WRITE),
    RUN_COMMAND("run_command", Kind.COMMAND),
    COMPLETE_TASK("complete_task", Kind.PROTOCOL),
    REPORT_BLOCKED("report_blocked", Kind.PROTOCOL),
    REQUEST_ESCALATION("request_escalation", Kind.PROTOCOL);

    /** What a tool touches, which decides what a role needs before it is offered the tool. */
    public enum Kind { READ, WRITE, COMMAND, PROTOCOL }

    private final String wireName;
    private final Kind kind;

    ToolName(String wireName, Kind kind) {
        this.wireName = wireName;
        this.kind = kind;
    }

    /** The name in the API's tool list and in agent definition files. */
    public String wireName() {
        return wireName;
    }

    public Kind kind() {
        return kind;
    }

    /** Protocol tools are carried out by the agent runtime (they write protocol files), not by {@link ToolExecutor}. */
    public boolean isProtocol() {
        return kind == Kind.PROTOCOL;
    }

    public static Optional<ToolName> parse(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }
}
