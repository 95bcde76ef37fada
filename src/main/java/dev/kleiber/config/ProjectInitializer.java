package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Roles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kleiber init}: lays out a repository for Kleiber. Never overwrites a file that exists: re-running
 * creates what is missing and reports what it left alone, so a user's edits are safe.
 */
public final class ProjectInitializer {
    private static final String TEMPLATES = "/dev/kleiber/config/init/";
    /** Local state, and main's validation report, which every `kleiber validate` rewrites: a task's report is committed with its work. */
    static final List<String> IGNORED = List.of(".kleiber/state.db*", ".kleiber/worktrees/", "reports/main-validation.md",
            ".kleiber/models-latest.json*");
    /** Folders created with a .gitkeep so that git records them before they hold anything. */
    static final List<String> FOLDERS = List.of("tasks", "progress", "complete", "blocked", "reports",
            "docs/architecture", "docs/decisions");

    public enum Action {
        CREATED("created"), UNCHANGED("unchanged"), KEPT("left as it is (it differs from the default)"),
        UPDATED("updated");

        private final String words;

        Action(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    public record Step(String path, Action action, String detail) {
    }

    /** The blueprint's files as they are, with nothing read from the repository. */
    public List<Step> initialize(ProjectLayout layout) {
        return initialize(layout, Optional.empty());
    }

    /**
     * With a proposal from the repository: kleiber.yaml gets its commands, layout and lint sections, and the roles'
     * files its write globs and a note on the stack. Files that exist are left as they are (see {@link Step}).
     */
    public List<Step> initialize(ProjectLayout layout, Optional<LayoutProposal> proposal) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".kleiber/kleiber.yaml", proposal.map(ProjectInitializer::settings).orElse(template("kleiber.yaml")));
        for (String role : Roles.BLUEPRINT) {
            String agent = template("agents/" + role + ".md");
            files.put(".kleiber/agents/" + role + ".md", proposal.map(p -> agent(agent, role, p)).orElse(agent));
        }
        files.put("orchestration_log.md", template("orchestration_log.md"));
        files.put("PROGRESS.md", template("PROGRESS.md"));
        files.put("CHANGELOG.md", template("CHANGELOG.md"));
        for (String folder : FOLDERS) {
            files.put(folder + "/.gitkeep", "");
        }
        List<Step> steps = new ArrayList<>();
        try {
            for (var file : files.entrySet()) {
                steps.add(writeIfAbsent(layout, file.getKey(), file.getValue()));
            }
            steps.add(ignoreEntries(layout));
        } catch (IOException e) {
            throw KleiberException.failed("cannot write into " + layout.root() + ": " + e.getMessage(), e);
        }
        return steps;
    }

    /** The template with the proposal's commands in place of {@code commands: []} and its sections at the end. */
    static String settings(LayoutProposal proposal) {
        String text = template("kleiber.yaml").replace("commands: []", "commands: " + proposal.commandsYaml());
        String sections = proposal.sectionsYaml();
        if (sections.isEmpty()) {
            return text;
        }
        return text + (text.endsWith("\n") ? "" : "\n") + "\n# Where this repository's code lives, as `kleiber init` "
                + "found it (see `kleiber config`).\n" + sections;
    }

    /** A role's template with the proposal's write globs and, on another stack, what of the blueprint does not apply. */
    static String agent(String template, String role, LayoutProposal proposal) {
        List<String> write = proposal.writeFor(role);
        String text = write.isEmpty() ? template
                : template.replaceFirst("(?m)^write: .*$", java.util.regex.Matcher.quoteReplacement(
                "write: " + LayoutProposal.list(write)));
        String note = proposal.facts().stack().note();
        if (note.isEmpty() && write.isEmpty()) {
            return text;
        }
        StringBuilder section = new StringBuilder("\n## This repository\n\n- Stack: ")
                .append(proposal.facts().stack().label()).append(".");
        if (!note.isEmpty()) {
            section.append(" ").append(note);
        }
        if (!write.isEmpty()) {
            section.append("\n- You write in ").append(String.join(", ", write))
                    .append(": the folders named above are the blueprint's; here the code lives in these.");
        }
        return text.stripTrailing() + "\n" + section + "\n";
    }

    private static Step writeIfAbsent(ProjectLayout layout, String relative, String content) throws IOException {
        Path target = layout.root().resolve(relative);
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            boolean same = Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && Files.readString(target, StandardCharsets.UTF_8).equals(content);
            return new Step(relative, same ? Action.UNCHANGED : Action.KEPT, "");
        }
        Files.createDirectories(target.getParent());
        if (!target.getParent().toRealPath().startsWith(layout.root().toRealPath())) {
            throw KleiberException.badInput(relative + ": its folder leads outside the repository through a "
                    + "symbolic link; Kleiber will not write there");
        }
        Files.writeString(target, content, StandardCharsets.UTF_8);
        return new Step(relative, Action.CREATED, "");
    }

    private static Step ignoreEntries(ProjectLayout layout) throws IOException {
        Path gitignore = layout.root().resolve(".gitignore");
        String existing = Files.exists(gitignore) ? Files.readString(gitignore, StandardCharsets.UTF_8) : "";
        List<String> present = existing.lines().map(String::strip).toList();
        List<String> missing = IGNORED.stream().filter(entry -> !present.contains(entry)).toList();
        if (missing.isEmpty()) {
            return new Step(".gitignore", Action.UNCHANGED, "");
        }
        StringBuilder addition = new StringBuilder();
        if (!existing.isEmpty() && !existing.endsWith("\n")) {
            addition.append('\n');
        }
        addition.append("# Kleiber's local state and agent worktrees\n");
        missing.forEach(entry -> addition.append(entry).append('\n'));
        Files.writeString(gitignore, existing + addition, StandardCharsets.UTF_8);
        return new Step(".gitignore", existing.isEmpty() ? Action.CREATED : Action.UPDATED,
                "added " + String.join(", ", missing));
    }

    static String template(String name) {
        try (InputStream in = ProjectInitializer.class.getResourceAsStream(TEMPLATES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing template " + name + " in the Kleiber jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read template " + name, e);
        }
    }
}
