package dev.kleiber.agent;

import java.util.stream.Collectors;

/**
 * The system prompt of a session: the role's own prompt, then the rules that bind it, which Kleiber also
 * enforces in the tool layer and the sandbox (the prompt explains; the code decides).
 */
final class SystemPrompt {
    private SystemPrompt() {
    }

    static String of(RoleSpec role, CommandSandbox.Settings sandbox) {
        RolePermissions permissions = role.permissions();
        String writable = permissions.writeGlobs().isEmpty() ? "nothing: you only read and report"
                : permissions.writeGlobs().stream().map(Glob::text).collect(Collectors.joining(", "));
        String commands = permissions.offers(ToolName.RUN_COMMAND)
                ? "Commands run with bash in a sandbox: the filesystem is read-only except your writable paths and a "
                + "private /tmp, there is no network, the environment holds no secrets, and each command is stopped "
                + "after " + sandbox.timeout().toSeconds() + " s."
                : "You cannot run commands.";
        return role.prompt().strip() + "\n\n" + """
                ## How Kleiber runs you
                You are the %s agent of Kleiber, working on one task in its own git worktree. Kleiber enforces \
                these rules in code; a refused tool call comes back as an error saying why.
                - You may write: %s. Any other write is refused.
                - .git, .kleiber and the protocol folders (tasks/, progress/, complete/, blocked/) are read-only. \
                Kleiber writes your protocol files from your tool calls.
                - %s
                - Naming: components PascalCase.tsx, utilities camelCase.ts, tests *.test.ts or *.spec.ts beside the \
                source, shared types *.types.ts; functions handleEvent, fetchResource, validateThing, fromToTo; SQL \
                tables snake_case plural, columns snake_case, indexes idx_{table}_{columns}.
                - Start your first answer with a short paragraph: your approach and the files you will touch.
                - When the acceptance criteria are met, call complete_task with a summary and your decisions \
                ("Chose X over Y because Z"). If you cannot go on, call report_blocked. If the task needs deeper \
                reasoning than you can give it, call request_escalation. Your session ends with that call.
                - Never claim that tests pass unless you ran them and saw them pass.
                """.formatted(role.name(), writable, commands);
    }
}
