package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the demo finds on PATH decides whether it runs, and with which sandbox; each shortfall is explained. */
class DemoPrerequisitesTest {
    @TempDir
    Path bin;

    @Test
    void withoutBwrapTheDemoRunsUnsandboxedAndSaysSo() throws IOException {
        link("git");
        link("node");

        DemoPrerequisites found = DemoPrerequisites.check(Map.of("PATH", bin.toString()));

        assertThat(found.sandboxed()).isFalse();
        assertThat(found.nodeVersion()).startsWith("v");
        assertThat(found.sandboxNotice()).hasValueSatisfying(notice -> assertThat(notice)
                .contains("bubblewrap (bwrap) is not installed").contains("WITHOUT the OS sandbox")
                .contains("sandbox: none").contains("apt-get install bubblewrap"));
    }

    @Test
    void withBwrapThatWorksTheDemoIsSandboxed() throws IOException {
        link("git");
        link("node");
        link("bwrap");

        DemoPrerequisites found = DemoPrerequisites.check(Map.of("PATH", bin.toString()));

        assertThat(found.sandboxNotice()).isEmpty();
        assertThat(found.sandboxed()).isTrue();
    }

    @Test
    void anOldNodeIsRefusedWithItsVersion() throws IOException {
        link("git");
        Path node = bin.resolve("node");
        Files.writeString(node, "#!/bin/sh\necho v16.20.2\n");
        assertThat(node.toFile().setExecutable(true)).isTrue();

        assertThatThrownBy(() -> DemoPrerequisites.check(Map.of("PATH", bin.toString())))
                .isInstanceOf(KleiberException.class)
                .hasMessageContaining("needs Node.js 18 or newer").hasMessageContaining("'v16.20.2'")
                .satisfies(e -> assertThat(((KleiberException) e).exitCode()).isEqualTo(KleiberException.FAILED));
    }

    @Test
    void withoutGitTheDemoSaysToInstallIt() {
        assertThatThrownBy(() -> DemoPrerequisites.check(Map.of("PATH", bin.toString())))
                .isInstanceOf(KleiberException.class).hasMessageContaining("needs git");
    }

    private void link(String program) throws IOException {
        Path real = Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable).findFirst().orElseThrow();
        Files.createSymbolicLink(bin.resolve(program), real);
    }
}
