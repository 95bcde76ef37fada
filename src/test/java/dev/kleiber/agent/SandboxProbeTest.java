package dev.kleiber.agent;

import dev.kleiber.config.SandboxPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The probe against the real bwrap and cgroups of this machine, and against bwraps that cannot do it. */
class SandboxProbeTest {
    @TempDir
    Path temp;

    @Test
    void theHardenedSandboxWorksHereAndSaysWhichLimitsApply() {
        Bwrap.assumeInstalled();
        SandboxSupport support = new SandboxProbe(System.getenv()).support();
        assertThat(support).isInstanceOfSatisfying(SandboxSupport.Hardened.class, h -> {
            assertThat(h.isolation()).startsWith("bubblewrap").contains("every capability dropped", "uid 1000",
                    "no network");
            assertThat(h.limits()).contains("256 processes", "2 GiB", "/tmp 512 MiB", "CPU time 600 s");
        });
    }

    @Test
    void aWritableCgroupV1IsFoundAndUsed() {
        assumeTrue(Files.isWritable(Path.of("/sys/fs/cgroup/pids")) && Files.isWritable(Path.of("/sys/fs/cgroup/memory")),
                "no writable cgroup v1 pids and memory controllers here");
        LimitMechanism found = CgroupFinder.system().find();
        assertThat(found).isInstanceOf(LimitMechanism.CgroupV1.class);
        assertThat(found.describe(SandboxPolicy.Limits.defaults(), true)).startsWith("cgroup v1");
    }

    @Test
    void theEmptyGroupsOfAKleiberThatDiedAreRemovedAndOthersKept() throws IOException {
        assumeTrue(CgroupFinder.system().find() instanceof LimitMechanism.CgroupV1, "no writable cgroup v1 here");
        LimitMechanism.CgroupV1 v1 = (LimitMechanism.CgroupV1) CgroupFinder.system().find();
        Path orphan = Files.createDirectory(v1.pidsParent().resolve("kleiber-999999999-test"));
        Path ours = Files.createDirectory(v1.pidsParent().resolve("kleiber-" + ProcessHandle.current().pid() + "-test"));
        try {
            CgroupFinder.system().find();
            assertThat(orphan).doesNotExist();
            assertThat(ours).exists();
        } finally {
            Files.deleteIfExists(orphan);
            Files.deleteIfExists(ours);
        }
    }

    @Test
    void withoutAWritableCgroupTheLimitsAreRlimitsAndSaySoWhenProcessesCannotBeLimited() throws IOException {
        Path groups = Files.writeString(temp.resolve("cgroup"), "8:pids:/\n4:memory:/kleiber\n0::/\n");
        Path cg = Files.createDirectories(temp.resolve("cg"));
        Path mounts = Files.writeString(temp.resolve("mountinfo"),
                "35 25 0:30 / " + cg.resolve("pids") + " rw - cgroup cgroup rw,pids\n"
                        + "36 25 0:31 / " + cg.resolve("memory") + " rw - cgroup cgroup rw,memory\n");
        // Folders where a group can be made but no limit file appears: not a cgroup, so not used.
        Files.createDirectories(cg.resolve("pids"));
        Files.createDirectories(cg.resolve("memory/kleiber"));
        LimitMechanism found = new CgroupFinder(groups, mounts).find();
        assertThat(found).isInstanceOf(LimitMechanism.Rlimits.class);
        assertThat(found.describe(SandboxPolicy.Limits.defaults(), true))
                .startsWith("rlimits only (the cgroup controllers pids and memory are not writable")
                .contains("processes NOT limited");
        assertThat(found.describe(SandboxPolicy.Limits.defaults(), false)).contains("256 processes per command");
        assertThat(cg.resolve("memory/kleiber")).isEmptyDirectory();
    }

    @Test
    void noBwrapOnThePathIsUnavailableWithTheFix() {
        SandboxSupport support = new SandboxProbe(Map.of("PATH", temp.toString())).support();
        assertThat(support).isInstanceOfSatisfying(SandboxSupport.Unavailable.class, u -> {
            assertThat(u.reason()).contains("not installed");
            assertThat(u.fix()).contains("apt-get install bubblewrap", "sandbox: none");
        });
    }

    @Test
    void aBwrapTooOldForTheHardeningIsUnavailableNamingTheVersionNeeded() throws IOException {
        fakeBwrap("echo 'bwrap: Unknown option --cap-drop' >&2; exit 1");
        SandboxSupport support = new SandboxProbe(Map.of("PATH", temp.toString())).support();
        assertThat(support).isInstanceOfSatisfying(SandboxSupport.Unavailable.class, u -> {
            assertThat(u.reason()).contains("Unknown option --cap-drop");
            assertThat(u.fix()).contains("0.8 or newer", "sandbox: none");
        });
    }

    @Test
    void aBwrapThatCannotCreateUserNamespacesIsUnavailableNamingThem() throws IOException {
        fakeBwrap("echo 'bwrap: No permissions to creating new namespace' >&2; exit 1");
        assertThat(new SandboxProbe(Map.of("PATH", temp.toString())).support())
                .isInstanceOfSatisfying(SandboxSupport.Unavailable.class, u -> assertThat(u.fix())
                        .contains("user namespaces", "sandbox: none"));
    }

    @Test
    void aSandboxWhoseCommandStillHasRootOrCapabilitiesIsNotHardened() throws IOException {
        // A bwrap that ignores every flag and runs the check as Kleiber itself (root here, or a user with caps).
        fakeBwrap("while [ \"$1\" != -- ]; do shift; done; shift; exec \"$@\"");
        assumeTrue(SandboxProbe.rootMapped(), "the check fails only for root");
        assertThat(new SandboxProbe(Map.of("PATH", temp.toString())).support())
                .isInstanceOfSatisfying(SandboxSupport.Unavailable.class, u -> assertThat(u.reason())
                        .contains("the check inside it failed"));
    }

    private void fakeBwrap(String body) throws IOException {
        Path bwrap = temp.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
