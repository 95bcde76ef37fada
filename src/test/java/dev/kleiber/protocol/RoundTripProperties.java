package dev.kleiber.protocol;

import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.kleiber.protocol.Examples.PARSER;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code parse(render(x))} equals {@code x} for generated documents of all four kinds, also after a person's sloppy edits. */
class RoundTripProperties {
    private static final Set<String> KNOWN_LABELS = Set.of("agent", "model", "priority", "created", "started",
            "estimated", "completed", "model used", "tokens", "blocked since", "type");
    private static final Set<String> KNOWN_SECTIONS = Set.of("description", "acceptance criteria", "context",
            "constraints", "approach", "files i'll touch", "summary", "files changed", "tests added", "decisions made",
            "ready for review", "problem", "attempted solutions", "need from conductor");

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void renderedDocumentsParseBackEqual(@ForAll("documents") ProtocolDocument document) {
        String text = ProtocolRenderer.render(document);

        ParseResult result = PARSER.parse(text, document.location());

        assertThat(result).as(text).isEqualTo(new ParseResult.Parsed(document));
        assertThat(ProtocolRenderer.render(((ParseResult.Parsed) result).document())).isEqualTo(text);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void sloppyEditsOfARenderedDocumentParseBackEqual(@ForAll("documents") ProtocolDocument document,
                                                      @ForAll("sloppiness") Sloppiness sloppiness) {
        String text = sloppiness.apply(ProtocolRenderer.render(document));

        assertThat(PARSER.parse(text, document.location())).as(text).isEqualTo(new ParseResult.Parsed(document));
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void damagedDocumentsAreRefusedWithLinesInsideTheFileNeverAnException(
            @ForAll("documents") ProtocolDocument document, @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 40) int cut,
            @ForAll String noise) {
        List<String> lines = new ArrayList<>(List.of(ProtocolRenderer.render(document).split("\n", -1)));
        lines.set(cut % lines.size(), noise);
        String text = String.join("\n", lines);

        ParseResult result = PARSER.parse(text, document.location());

        if (result instanceof ParseResult.Rejected rejected) {
            assertThat(rejected.problems()).allSatisfy(p -> assertThat(p.line()).isBetween(1, lines.size()));
        }
    }

    record Sloppiness(boolean crlf, boolean trailingSpaces, boolean blankLines, boolean shoutedHeadings,
                      boolean capitalX) {
        String apply(String text) {
            List<String> out = new ArrayList<>();
            boolean inFence = false;
            for (String line : text.split("\n", -1)) {
                inFence ^= line.startsWith("```");
                boolean section = !inFence && line.startsWith("## ");
                String heading = section ? line.substring(3).toLowerCase(Locale.ROOT) : "";
                if (blankLines && section) {
                    out.add("");
                }
                if (shoutedHeadings && KNOWN_SECTIONS.contains(heading)) {
                    line = "## " + heading.toUpperCase(Locale.ROOT);
                }
                if (capitalX) {
                    line = line.replace("- [x] ", "- [X] ");
                }
                if (trailingSpaces && !line.isEmpty()) {
                    line = line + "  \t";
                }
                out.add(line);
                if (blankLines && section) {
                    out.add("");
                }
            }
            return String.join(crlf ? "\r\n" : "\n", out);
        }
    }

    @Provide
    Arbitrary<Sloppiness> sloppiness() {
        Arbitrary<Boolean> b = Arbitraries.of(true, false);
        return Combinators.combine(b, b, b, b, b).as(Sloppiness::new);
    }

    @Provide
    Arbitrary<ProtocolDocument> documents() {
        return Arbitraries.oneOf(tasks(), startedFiles(), completeFiles(), blockedFiles());
    }

    private Arbitrary<ProtocolDocument> tasks() {
        Arbitrary<TaskFile> head = Combinators.combine(ids(), agents(), Arbitraries.of(Tier.class),
                        Arbitraries.of(Priority.class), timestamps(), body(true),
                        checks().list().ofMinSize(1).ofMaxSize(5))
                .as((id, agent, model, priority, created, description, criteria) -> new TaskFile(id, agent, model,
                        priority, created, description, criteria, "", "", List.of(), List.of()));
        return Combinators.combine(head, body(false), body(false), extraFields(), extraSections())
                .as((t, context, constraints, fields, sections) -> new TaskFile(t.id(), t.agent(), t.model(),
                        t.priority(), t.created(), t.description(), t.acceptanceCriteria(), context, constraints,
                        fields, sections));
    }

    private Arbitrary<ProtocolDocument> startedFiles() {
        return Combinators.combine(ids(), agents(), timestamps(), line(), body(true), paths().list().ofMaxSize(5),
                        extraFields(), extraSections())
                .as(StartedFile::new);
    }

    private Arbitrary<ProtocolDocument> completeFiles() {
        Arbitrary<Tokens> tokens = Combinators.combine(Arbitraries.longs().between(0, 10_000_000_000L),
                Arbitraries.longs().between(0, 10_000_000_000L)).as(Tokens::new);
        Arbitrary<FileChange> change = Combinators.combine(paths(), Arbitraries.of(FileChange.Change.class))
                .as(FileChange::new);
        Arbitrary<CompleteFile> head = Combinators.combine(ids(), agents(), timestamps(), Arbitraries.of(Tier.class),
                        tokens, body(true), change.list().ofMaxSize(5), paths().list().ofMaxSize(4))
                .as((id, agent, completed, model, t, summary, changes, tests) -> new CompleteFile(id, agent, completed,
                        model, t, summary, changes, tests, List.of(), List.of(), List.of(), List.of()));
        return Combinators.combine(head, line().list().ofMaxSize(4), checks().list().ofMaxSize(4), extraFields(),
                        extraSections())
                .as((c, decisions, ready, fields, sections) -> new CompleteFile(c.id(), c.agent(), c.completed(),
                        c.modelUsed(), c.tokens(), c.summary(), c.filesChanged(), c.testsAdded(), decisions, ready,
                        fields, sections));
    }

    private Arbitrary<ProtocolDocument> blockedFiles() {
        return Combinators.combine(ids(), agents(), timestamps(), Arbitraries.of(BlockType.class), body(true),
                        line().list().ofMaxSize(4), body(true), Combinators.combine(extraFields(), extraSections())
                                .as(List::of))
                .as((id, agent, since, type, problem, attempted, need, extras) -> new BlockedFile(id, agent, since,
                        type, problem, attempted, need, castFields(extras.get(0)), castSections(extras.get(1))));
    }

    @SuppressWarnings("unchecked")
    private static List<Field> castFields(Object list) {
        return (List<Field>) list;
    }

    @SuppressWarnings("unchecked")
    private static List<Section> castSections(Object list) {
        return (List<Section>) list;
    }

    private Arbitrary<String> ids() {
        Arbitrary<Character> first = Arbitraries.chars().alpha().numeric();
        Arbitrary<String> rest = Arbitraries.strings().alpha().numeric().withChars('-', '_', '.').ofMaxLength(20);
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    private Arbitrary<String> agents() {
        return Arbitraries.of(Roles.BLUEPRINT);
    }

    private Arbitrary<OffsetDateTime> timestamps() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(0, 4_102_444_800L);
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999_999_999));
        Arbitrary<Integer> offsetQuarters = Arbitraries.integers().between(-18 * 4, 18 * 4);
        return Combinators.combine(seconds, nanos, offsetQuarters).as((s, n, q) -> OffsetDateTime.ofInstant(
                Instant.ofEpochSecond(s, n), ZoneOffset.ofTotalSeconds(q * 15 * 60)));
    }

    private Arbitrary<String> word() {
        return Arbitraries.strings().alpha().numeric().withChars(',', '.', '\'', '(', ')', '/', '$', '%', '!', '?', ':')
                .ofMinLength(1).ofMaxLength(10);
    }

    /** One line of plain text that starts with a letter, so markdown cannot read it as a block marker. */
    private Arbitrary<String> line() {
        Arbitrary<String> first = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8);
        return Combinators.combine(first, word().list().ofMaxSize(8))
                .as((f, rest) -> rest.isEmpty() ? f : f + " " + String.join(" ", rest));
    }

    private Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_')
                .ofMinLength(1).ofMaxLength(8);
        return Combinators.combine(segment.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of("ts", "java", "md", "tsx"))
                .as((parts, ext) -> String.join("/", parts) + "." + ext);
    }

    private Arbitrary<CheckItem> checks() {
        return Combinators.combine(line(), Arbitraries.of(true, false)).as(CheckItem::new);
    }

    /** Markdown prose: paragraphs, sometimes a list or a fenced block holding what looks like a section heading. */
    private Arbitrary<String> body(boolean required) {
        Arbitrary<String> paragraph = line().list().ofMinSize(1).ofMaxSize(3).map(lines -> String.join("\n", lines));
        Arbitrary<String> list = line().list().ofMinSize(1).ofMaxSize(3)
                .map(items -> items.stream().map(i -> "- " + i).collect(Collectors.joining("\n")));
        Arbitrary<String> code = line().map(l -> "```\n## " + l + "\n\n    indented\n```");
        Arbitrary<String> block = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, paragraph), net.jqwik.api.Tuple.of(2, list), net.jqwik.api.Tuple.of(1, code));
        return block.list().ofMinSize(required ? 1 : 0).ofMaxSize(3).map(blocks -> String.join("\n\n", blocks));
    }

    private Arbitrary<String> label() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(8)
                .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1));
        return word.list().ofMinSize(1).ofMaxSize(2).map(words -> String.join(" ", words));
    }

    private Arbitrary<List<Field>> extraFields() {
        return Combinators.combine(label(), line()).as(Field::new)
                .filter(f -> !KNOWN_LABELS.contains(f.name().toLowerCase(Locale.ROOT)))
                .list().ofMaxSize(2).uniqueElements(f -> f.name().toLowerCase(Locale.ROOT));
    }

    private Arbitrary<List<Section>> extraSections() {
        return Combinators.combine(label(), body(false)).as(Section::new)
                .filter(s -> !KNOWN_SECTIONS.contains(s.heading().toLowerCase(Locale.ROOT)))
                .list().ofMaxSize(2).uniqueElements(s -> s.heading().toLowerCase(Locale.ROOT));
    }
}
