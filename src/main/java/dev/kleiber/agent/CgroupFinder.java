package dev.kleiber.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where Kleiber may create a cgroup per command, by creating (and removing) one: the {@code pids} and
 * {@code memory} controllers of cgroup v1, or a cgroup v2 group whose {@code subtree_control} already hands
 * both down. Groups are made under Kleiber's own group (from {@code /proc/self/cgroup}), so whatever limit a
 * container or systemd put on Kleiber still covers its commands.
 */
final class CgroupFinder {
    private static final Pattern ORPHAN = Pattern.compile("kleiber-(\\d{1,18})-.*");
    private final Path selfCgroup;
    private final Path mountInfo;

    CgroupFinder(Path selfCgroup, Path mountInfo) {
        this.selfCgroup = selfCgroup;
        this.mountInfo = mountInfo;
    }

    static CgroupFinder system() {
        return new CgroupFinder(Path.of("/proc/self/cgroup"), Path.of("/proc/self/mountinfo"));
    }

    LimitMechanism find() {
        List<String> groups;
        List<String> mounts;
        try {
            groups = Files.readAllLines(selfCgroup);
            mounts = Files.readAllLines(mountInfo);
        } catch (IOException e) {
            return new LimitMechanism.Rlimits("cannot read " + selfCgroup + " or " + mountInfo);
        }
        Optional<Path> pids = v1Group(groups, mounts, "pids");
        Optional<Path> memory = v1Group(groups, mounts, "memory");
        if (pids.isPresent() && memory.isPresent() && creatable(pids.get(), "pids.max")
                && creatable(memory.get(), "memory.limit_in_bytes")) {
            removeOrphans(pids.get());
            removeOrphans(memory.get());
            return new LimitMechanism.CgroupV1(pids.get(), memory.get());
        }
        Optional<Path> unified = v2Group(groups, mounts);
        if (unified.isPresent() && handsDown(unified.get()) && creatable(unified.get(), "memory.max")) {
            removeOrphans(unified.get());
            return new LimitMechanism.CgroupV2(unified.get());
        }
        return new LimitMechanism.Rlimits(pids.isPresent() || unified.isPresent()
                ? "the cgroup controllers pids and memory are not writable for Kleiber's group"
                : "no cgroup pids and memory controllers are mounted");
    }

    /** Kleiber's group in the v1 hierarchy holding {@code controller}, as a folder. */
    private static Optional<Path> v1Group(List<String> groups, List<String> mounts, String controller) {
        for (String line : groups) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && Arrays.asList(parts[1].split(",")).contains(controller)) {
                return mountOf(mounts, "cgroup", controller).flatMap(m -> m.folderOf(parts[2]));
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> v2Group(List<String> groups, List<String> mounts) {
        for (String line : groups) {
            if (line.startsWith("0::")) {
                return mountOf(mounts, "cgroup2", "").flatMap(m -> m.folderOf(line.substring(3)));
            }
        }
        return Optional.empty();
    }

    /** A cgroup mount: the hierarchy's folder {@code root} is mounted at {@code point}. */
    private record Mount(String root, Path point) {
        Optional<Path> folderOf(String group) {
            if (!group.startsWith(root)) {
                return Optional.empty();
            }
            String relative = group.substring(root.length()).replaceFirst("^/+", "");
            return Optional.of(relative.isEmpty() ? point : point.resolve(relative));
        }
    }

    /** {@code /proc/self/mountinfo}: fields 4 and 5 are root and mount point; after " - ": type, source, options. */
    private static Optional<Mount> mountOf(List<String> mounts, String type, String option) {
        for (String line : mounts) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length >= 5 && right.length >= 3 && right[0].equals(type)
                    && (option.isEmpty() || Arrays.asList(right[2].split(",")).contains(option))) {
                return Optional.of(new Mount(unescape(left[3]), Path.of(unescape(left[4]))));
            }
        }
        return Optional.empty();
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static boolean handsDown(Path group) {
        try {
            List<String> controllers = Arrays.asList(Files.readString(group.resolve("cgroup.subtree_control"))
                    .strip().split(" "));
            return controllers.contains("pids") && controllers.contains("memory");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes the empty command groups a Kleiber process left when it was killed mid-command (named
     * {@code kleiber-PID-...} by {@link CommandCgroup}, with that process gone); a group still holding a
     * process cannot be removed and stays.
     */
    private static void removeOrphans(Path parent) {
        try (DirectoryStream<Path> groups = Files.newDirectoryStream(parent, "kleiber-*")) {
            for (Path group : groups) {
                Matcher owner = ORPHAN.matcher(group.getFileName().toString());
                if (owner.matches() && ProcessHandle.of(Long.parseLong(owner.group(1))).isEmpty()) {
                    try {
                        Files.delete(group);
                    } catch (IOException e) {
                        // Busy or gone: nothing to do.
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // An unreadable parent has no orphans we could remove.
        }
    }

    /** Creates and removes a probe group: only trying tells whether a group may be made here. */
    private static boolean creatable(Path parent, String limitFile) {
        Path probe = parent.resolve("kleiber-probe-" + UUID.randomUUID());
        try {
            Files.createDirectory(probe);
        } catch (IOException e) {
            return false;
        }
        try {
            return Files.isWritable(probe.resolve(limitFile));
        } finally {
            try {
                Files.delete(probe);
            } catch (IOException e) {
                // An empty group that cannot be removed stays empty; nothing runs in it.
            }
        }
    }
}
