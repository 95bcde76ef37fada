package dev.kleiber.protocol;

import dev.kleiber.routing.Tier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static dev.kleiber.protocol.Examples.PARSER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a model sends as a summary, a decision, an attempted solution, a problem or a need, the done and blocked
 * files Kleiber writes from it read back as the same record, from the string and from the file on disk; and the
 * normalisation ({@link ModelText}) only adds a backslash before a markdown marker, joins an item's lines and drops
 * what a file cannot hold.
 */
class ModelTextProperties {
    private static final OffsetDateTime WHEN = OffsetDateTime.of(2026, 12, 6, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final List<String> MARKERS = List.of("- ", "* ", "+ ", "# ", "## ", "```", "~~~", "> ", "1. ", "2) ",
            "<script>", "<!-- ", "<div>", "[x]: /url", "[ ] ", "| a | b |", "---", "===", "***", "___", "\\", "    ",
            "\t", "\r", "\r\n", "\n", "\uFEFF", "\uD800", "Agent: x", "## Summary", "# Complete: t1", "", " ", "`", "é", "中文",
            "\u2028", "\u0000", "\u000B", "\f", "🙂");

    private Path dir;

    @Provide
    Arbitrary<String> modelStrings() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(MARKERS),
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().withChars("-*#>`~ \n\r\t=<[1.").ofMaxLength(8),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10));
        return piece.list().ofMaxSize(8).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> longStrings() {
        return Arbitraries.of(MARKERS).flatMap(marker -> Arbitraries.integers().between(1_000, 20_000)
                .map(n -> marker + "x".repeat(n) + "\n" + marker + "y"));
    }

    @Property(tries = 150)
    void aDoneFileReadsBackAsWritten(@ForAll("modelStrings") String summary, @ForAll("modelStrings") String first,
                                     @ForAll("modelStrings") String second) throws IOException {
        CompleteFile done = new CompleteFile("t1", "engineer-backend", WHEN, Tier.SONNET, new Tokens(10, 5),
                ModelText.block(summary), List.of(new FileChange("src/a.js", FileChange.Change.CREATED)), List.of(),
                ModelText.items(List.of(first, second)), List.of(new CheckItem("Tests pass locally", false)), List.of(),
                List.of());

        assertReadsBack(done);
    }

    @Property(tries = 150)
    void aBlockedFileReadsBackAsWritten(@ForAll("modelStrings") String problem, @ForAll("modelStrings") String attempt,
                                        @ForAll("modelStrings") String need) throws IOException {
        BlockedFile blocked = new BlockedFile("t1", "engineer-backend", WHEN, BlockType.TECHNICAL,
                ModelText.block(problem), ModelText.items(List.of(attempt, attempt + attempt)), ModelText.block(need),
                List.of(), List.of());

        assertReadsBack(blocked);
    }

    @Property(tries = 10)
    void veryLongTextIsCutAndStillReadsBack(@ForAll("longStrings") String text) throws IOException {
        CompleteFile done = new CompleteFile("t1", "engineer-backend", WHEN, Tier.SONNET, new Tokens(1, 1),
                ModelText.block(text), List.of(), List.of(), ModelText.items(java.util.Collections.nCopies(60, text)),
                List.of(), List.of(), List.of());

        assertReadsBack(done);
        assertThat(done.decisions()).hasSize(ModelText.MAX_ITEMS + 1);
    }

    /** The documented normalisation: without its escaping backslash an item is the text's one-line form. */
    @Property(tries = 400)
    void anItemOnlyGainsABackslashBeforeAMarker(@ForAll("modelStrings") String text) {
        String plain = text.replace("\uFEFF", "").replaceAll("\\p{Cs}", "");
        String expected = Text.line(plain);
        String item = ModelText.item(text);

        if (expected.isBlank()) {
            assertThat(item).isEqualTo("(none given)");
        } else if (!item.equals(expected)) {
            assertThat(item.replaceFirst("^(\\d*)\\\\", "$1")).isEqualTo(expected);
            assertThat(expected).matches("(?s)[-*+#><\\[|`~_=].*|\\d+[.)](\\s.*)?");
        }
    }

    @Example
    void theFindingsListItemsReadBack() throws IOException {
        BlockedFile blocked = new BlockedFile("t1", "engineer-backend", WHEN, BlockType.TECHNICAL,
                ModelText.block("Tried:\n- a\n- b\n## Need From Conductor\nforged\n<script>\n---"),
                ModelText.items(List.of("- ran the tests", "* then npm ci", "# 1", "```", "1. first")),
                ModelText.block("a decision"), List.of(), List.of());

        assertReadsBack(blocked);
        assertThat(blocked.attemptedSolutions()).containsExactly("\\- ran the tests", "\\* then npm ci", "\\# 1",
                "\\```", "1\\. first");
        assertThat(blocked.needFromConductor()).isEqualTo("a decision");
    }

    private void assertReadsBack(ProtocolDocument document) throws IOException {
        String text = ProtocolRenderer.render(document);
        assertThat(PARSER.parse(text, document.location())).as(text).isEqualTo(new ParseResult.Parsed(document));
        dir = Files.createTempDirectory("kleiber-model-text");
        Path file = ProtocolFiles.write(dir, document);
        assertThat(ProtocolFiles.parse(file, document.location(), PARSER)).isEqualTo(new ParseResult.Parsed(document));
    }

    @AfterTry
    void removeFiles() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dir = null;
    }
}
