package dev.kleiber.git;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds every git invocation Kleiber makes so that git runs no program that a repository, its attributes, its
 * environment or a planted configuration names. An agent's worktree is repository-controlled data: its
 * {@code .gitattributes} can name filter, diff and merge drivers, and whoever can write a {@code .git/config}
 * can name an fsmonitor, hooks, an editor, a pager, an ssh command or credential helpers — all of which git
 * would start on Kleiber's side, with Kleiber's environment, outside every sandbox.
 *
 * <p>The settings are given as command-scope configuration ({@code GIT_CONFIG_COUNT}), which overrides every
 * configuration file; the system and global files are not read at all ({@code GIT_CONFIG_NOSYSTEM},
 * {@code GIT_CONFIG_GLOBAL=/dev/null}); the environment is an allow-list, so no secret reaches git or the
 * programs it would start. Drivers are named by attributes and defined in configuration under names of the
 * repository's choosing, so the names the repository's configuration defines are read first ({@link #configuredNames})
 * and each is neutralised: filters do nothing, merge drivers become git's own text merge. The user's identity and
 * {@code safe.directory} entries, read once from their own configuration, are the only things kept from it.
 */
final class InertGit {
    /** Settings that switch off every program git itself would start, whatever the repository's configuration. */
    private static final List<Map.Entry<String, String>> FIXED = List.of(
            Map.entry("core.hooksPath", "/dev/null"),
            Map.entry("core.fsmonitor", "false"),
            Map.entry("core.untrackedCache", "false"),
            Map.entry("core.pager", "cat"),
            Map.entry("core.editor", "true"),
            Map.entry("sequence.editor", "true"),
            Map.entry("core.askPass", ""),
            Map.entry("core.sshCommand", "false"),
            Map.entry("core.attributesFile", "/dev/null"),
            Map.entry("credential.helper", ""),
            Map.entry("protocol.allow", "never"),
            Map.entry("submodule.recurse", "false"),
            Map.entry("commit.gpgSign", "false"),
            Map.entry("tag.gpgSign", "false"),
            Map.entry("log.showSignature", "false"),
            Map.entry("merge.verifySignatures", "false"),
            Map.entry("gc.auto", "0"),
            Map.entry("maintenance.auto", "false"),
            Map.entry("core.quotePath", "false"),
            Map.entry("advice.detachedHead", "false"));

    /** A user-defined merge driver is replaced by git's own three-way text merge, which conflicts like the built-in one. */
    static final String TEXT_MERGE = "git merge-file --marker-size=%L -L ours -L base -L theirs %A %O %B";

    /** Variables of Kleiber's environment that git may see: where programs are, the home folder, and identities. */
    private static final Set<String> KEPT_ENV = Set.of("PATH", "HOME", "TMPDIR", "TZ",
            "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE");

    /** Sub-commands that would run an external diff program or a textconv filter unless told not to. */
    private static final Set<String> DIFFING = Set.of("diff", "log", "show");

    private InertGit() {
    }

    /** What Kleiber keeps of the user's own git configuration. */
    record UserSettings(List<String> name, List<String> email, List<String> safeDirectories) {
        static final UserSettings NONE = new UserSettings(List.of(), List.of(), List.of());

        UserSettings {
            name = List.copyOf(name);
            email = List.copyOf(email);
            safeDirectories = List.copyOf(safeDirectories);
        }
    }

    /** The arguments with {@code --no-ext-diff --no-textconv} after a diffing sub-command. */
    static List<String> arguments(List<String> args) {
        List<String> command = new ArrayList<>(List.of("git"));
        int i = 0;
        while (i + 1 < args.size() && args.get(i).equals("-c")) {
            command.add(args.get(i++));
            command.add(args.get(i++));
        }
        if (i < args.size()) {
            String sub = args.get(i++);
            command.add(sub);
            if (DIFFING.contains(sub)) {
                command.add("--no-ext-diff");
                command.add("--no-textconv");
            }
        }
        command.addAll(args.subList(i, args.size()));
        return command;
    }

    /**
     * The whole environment git runs with: the kept variables of {@code parent}, git's own switches, and the
     * command-scope settings, including those that neutralise the drivers in {@code configuredNames}.
     */
    static Map<String, String> environment(Map<String, String> parent, List<String> configuredNames, UserSettings user) {
        Map<String, String> env = new LinkedHashMap<>();
        parent.forEach((key, value) -> {
            if (KEPT_ENV.contains(key)) {
                env.put(key, value);
            }
        });
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_ATTR_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_OPTIONAL_LOCKS", "0");
        env.put("GIT_PAGER", "cat");
        env.put("GIT_EDITOR", "true");
        env.put("GIT_TRACE2", "0");
        env.put("GIT_TRACE2_EVENT", "0");
        env.put("GIT_TRACE2_PERF", "0");
        env.put("LC_ALL", "C");
        List<Map.Entry<String, String>> settings = new ArrayList<>(FIXED);
        settings.addAll(neutralised(configuredNames));
        Set<String> names = Set.copyOf(configuredNames);
        if (!names.contains("user.name")) {
            user.name().forEach(value -> settings.add(Map.entry("user.name", value)));
        }
        if (!names.contains("user.email")) {
            user.email().forEach(value -> settings.add(Map.entry("user.email", value)));
        }
        user.safeDirectories().forEach(dir -> settings.add(Map.entry("safe.directory", dir)));
        env.put("GIT_CONFIG_COUNT", String.valueOf(settings.size()));
        for (int i = 0; i < settings.size(); i++) {
            env.put("GIT_CONFIG_KEY_" + i, settings.get(i).getKey());
            env.put("GIT_CONFIG_VALUE_" + i, settings.get(i).getValue());
        }
        return env;
    }

    /**
     * Overrides for every driver, protocol and credential helper defined under a name of the repository's choosing:
     * {@code filter.X.*}, {@code merge.X.*}, {@code protocol.X.allow}, {@code credential.URL.helper}.
     */
    static List<Map.Entry<String, String>> neutralised(List<String> configuredNames) {
        Set<Map.Entry<String, String>> settings = new LinkedHashSet<>();
        for (String key : configuredNames) {
            int first = key.indexOf('.');
            int last = key.lastIndexOf('.');
            if (first < 0 || last <= first) {
                continue;
            }
            String section = key.substring(0, first).toLowerCase(java.util.Locale.ROOT);
            String prefix = key.substring(0, last);
            switch (section) {
                case "filter" -> {
                    settings.add(Map.entry(prefix + ".clean", ""));
                    settings.add(Map.entry(prefix + ".smudge", ""));
                    settings.add(Map.entry(prefix + ".process", ""));
                    settings.add(Map.entry(prefix + ".required", "false"));
                }
                case "merge" -> settings.add(Map.entry(prefix + ".driver", TEXT_MERGE));
                case "protocol" -> settings.add(Map.entry(prefix + ".allow", "never"));
                case "credential" -> settings.add(Map.entry(prefix + ".helper", ""));
                default -> {
                }
            }
        }
        return List.copyOf(settings);
    }

    /** The names of {@code git config --list --name-only -z}. */
    static List<String> names(String listing) {
        List<String> names = new ArrayList<>();
        for (String name : listing.split("\0")) {
            if (!name.isEmpty()) {
                names.add(name.strip());
            }
        }
        return names;
    }
}
