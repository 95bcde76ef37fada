package dev.kleiber.protocol;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Stream;

import static dev.kleiber.protocol.Examples.PARSER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolFilesTest {
    @TempDir
    Path root;

    private static CompleteFile done(String summary, List<String> decisions) {
        return new CompleteFile("feat-001", "engineer-backend", OffsetDateTime.parse("2025-01-09T16:05:00-08:00"),
                Tier.HAIKU, new Tokens(1200, 340), summary, List.of(new FileChange("src/a.ts", FileChange.Change.DELETED)),
                List.of(), decisions, List.of(new CheckItem("Tests pass locally", true)), List.of(), List.of());
    }

    @Test
    void writesAtomicallyToItsPlaceAndLeavesNoTempFiles() throws IOException {
        CompleteFile first = done("First.", List.of());
        CompleteFile second = done("Second.", List.of("Chose X"));

        Path file = ProtocolFiles.write(root, first);
        ProtocolFiles.write(root, second);

        assertThat(file).isEqualTo(root.resolve("complete/engineer-backend/feat-001-done.md"));
        assertThat(ProtocolFiles.parse(file, second.location(), PARSER)).isEqualTo(new ParseResult.Parsed(second));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void normalisesTextTheWayTheParserReadsIt() throws IOException {
        CompleteFile sloppy = done("\n\nAll done.   \r\nReally.  \n\n", List.of("  Chose X\n  over Y  "));

        assertThat(sloppy.summary()).isEqualTo("All done.\nReally.");
        assertThat(sloppy.decisions()).containsExactly("Chose X over Y");
        Path file = ProtocolFiles.write(root, sloppy);
        assertThat(ProtocolFiles.parse(file, sloppy.location(), PARSER)).isEqualTo(new ParseResult.Parsed(sloppy));
    }

    @Test
    void refusesToWriteTextThatWouldReadBackDifferently() {
        CompleteFile tricky = done("Done.\n\n## Notes\nmore", List.of());

        assertThatThrownBy(() -> ProtocolFiles.write(root, tricky))
                .isInstanceOf(KleiberException.class)
                .hasMessageStartingWith("cannot write complete/engineer-backend/feat-001-done.md: its text would not read back unchanged");
        assertThat(root.resolve("complete")).doesNotExist();
    }

    @Test
    void idsAndAgentsMustBePlainFileNamesSoNoDocumentCanNameAPathOutside() {
        assertThatThrownBy(() -> new TaskFile("../../etc/x", "engineer-backend", Tier.OPUS, Priority.P0,
                OffsetDateTime.parse("2025-01-09T14:30:00Z"), "d", List.of(new CheckItem("c", false)), "", "",
                List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'../../etc/x'");
        assertThatThrownBy(() -> new FileLocation(Kind.TASK, "..", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(FileLocation.of(Path.of("tasks/..hidden/x.md"))).isEmpty();
    }

    @Test
    void acceptsAUtf8ByteOrderMarkAtTheStart() throws IOException {
        Path file = root.resolve("tasks/engineer-backend/feat-001.md");
        Files.createDirectories(file.getParent());
        byte[] body = Examples.TASK.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(file, withBom);

        ParseResult result = ProtocolFiles.parse(file, FileLocation.of(file).orElseThrow(), PARSER);

        assertThat(result).isEqualTo(PARSER.parse(Examples.TASK));
    }

    @Test
    void readsAtMostOneByteMoreThanTheLimit() throws IOException {
        Path file = Files.write(root.resolve("big.md"), new byte[FileText.MAX_BYTES * 2]);

        assertThat(ProtocolFiles.readBytes(file)).hasSize(FileText.MAX_BYTES + 1);
    }

    @Test
    void locationsAreTheLastThreePartsOfAPath() {
        assertThat(FileLocation.of(Path.of("/repo/progress/scribe/docs-2-started.md")))
                .contains(new FileLocation(Kind.STARTED, "scribe", "docs-2"));
        assertThat(FileLocation.of(Path.of("complete/scribe/docs-2-done.md")).orElseThrow().relativePath())
                .isEqualTo(Path.of("complete/scribe/docs-2-done.md"));
        assertThat(FileLocation.of(Path.of("tasks/feat-001.md"))).isEmpty();
        assertThat(FileLocation.of(Path.of("tasks/scribe/.feat-001.md"))).isEmpty();
        assertThat(FileLocation.of(Path.of("tasks/scribe/feat-001.txt"))).isEmpty();
        assertThat(FileLocation.of(Path.of("complete/scribe/feat-001.md"))).isEmpty();
        assertThat(FileLocation.of(Path.of("complete/scribe/-done.md"))).isEmpty();
        assertThat(FileLocation.of(Path.of("reports/scribe/feat-001.md"))).isEmpty();
    }
}
