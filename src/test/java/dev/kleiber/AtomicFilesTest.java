package dev.kleiber;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The one atomic write every package uses: whole files only, the target's permissions kept, no temp left behind. */
class AtomicFilesTest {
    @TempDir
    Path root;

    @Test
    void aNewFileAndItsFoldersAreCreatedAndNoTempIsLeft() throws Exception {
        Path file = root.resolve("reports/deep/feat-001-validation.md");

        AtomicFiles.write(file, "# Validation\n");

        assertThat(file).hasContent("# Validation");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aReplacedFileKeepsItsPermissionsSoAnExecutableScriptStaysExecutable() throws Exception {
        Path script = Files.writeString(root.resolve("build.sh"), "#!/bin/sh\necho old\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));

        AtomicFiles.write(script, "#!/bin/sh\necho new\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(script).hasContent("#!/bin/sh\necho new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-x---");
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).containsExactly(script);
        }
    }

    @Test
    void aLinkAtTheTargetIsReplacedNotFollowed() throws Exception {
        Path outside = Files.writeString(root.resolve("outside.txt"), "keep me");
        Path link = Files.createSymbolicLink(root.resolve("notes.md"), outside);

        AtomicFiles.write(link, "written");

        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(link).hasContent("written");
        assertThat(outside).hasContent("keep me");
    }

    @Test
    void tempFilesOfAWriterThatDiedAreRemovedAndALiveWritersAreKept() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path tasks = root.resolve("tasks/engineer-backend");
        Files.createDirectories(tasks);
        Path abandoned = Files.writeString(tasks.resolve(".add-mean.md." + dead.pid() + "-123456789.tmp"), "half a fi");
        Path inFlight = Files.writeString(tasks.resolve(".add-sum.md." + ProcessHandle.current().pid() + "-42.tmp"), "in");
        Path task = Files.writeString(tasks.resolve("add-sum.md"), "# Task: add-sum\n");

        List<Path> removed = AtomicFiles.removeAbandonedTemps(List.of(root.resolve("tasks"), root.resolve("progress")));

        assertThat(removed).containsExactly(abandoned);
        assertThat(abandoned).doesNotExist();
        assertThat(inFlight).exists();
        assertThat(task).exists();
    }
}
